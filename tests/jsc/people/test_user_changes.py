"""PATCH /api/v1/users/{id}/ and POST /api/v1/users/{id}/password/: an admin changes a
user's full name, phone, role, facility and active flag and resets a password; the role
and facility rules hold, the last active admin stays, and every change is in the
admins' trail (/api/v1/admin-changes/)."""

from __future__ import annotations

import pytest

from jsc.people.models import AdminChange, Role, User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def user_url(user: User) -> str:
    return f"/api/v1/users/{user.id}/"


def test_an_admin_changes_a_midwife_s_name_and_phone(api, adi, ana):
    response = api(adi).patch(
        user_url(ana), {"full_name": "Bidan Ana Lestari", "phone": "+6281234567890"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["full_name"] == "Bidan Ana Lestari"
    ana.refresh_from_db()
    assert (ana.full_name, ana.phone) == ("Bidan Ana Lestari", "+6281234567890")
    change = AdminChange.objects.get(object_id=ana.id)
    assert (change.by, change.action, change.target) == (adi, "update", "user")
    # Personal data is named, never copied into the trail.
    assert change.changes == {"full_name": None, "phone": None}


def test_an_admin_moves_a_midwife_to_another_facility(api, adi, ana, patrang):
    response = api(adi).patch(user_url(ana), {"facility": str(patrang.id)}, format="json")

    assert response.status_code == 200
    ana.refresh_from_db()
    assert ana.facility == patrang
    change = AdminChange.objects.get(object_id=ana.id)
    assert change.changes["facility"][1] == str(patrang.id)


def test_a_midwife_becomes_a_doctor(api, adi, ana):
    response = api(adi).patch(user_url(ana), {"role": "doctor"}, format="json")

    assert response.status_code == 200
    ana.refresh_from_db()
    assert ana.role == Role.DOCTOR
    assert AdminChange.objects.get(object_id=ana.id).changes == {"role": ["midwife", "doctor"]}


def test_a_deactivated_user_can_no_longer_log_in(api, adi, ana):
    assert (
        api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").status_code
        == 200
    )

    response = api(adi).patch(user_url(ana), {"active": False}, format="json")

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert (
        api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").status_code
        == 401
    )
    assert AdminChange.objects.get(object_id=ana.id).changes == {"active": [True, False]}


def test_a_midwife_who_moves_to_the_health_office_leaves_her_facility(api, adi, ana):
    response = api(adi).patch(
        user_url(ana), {"role": "health_office", "facility": None}, format="json"
    )

    assert response.status_code == 200
    ana.refresh_from_db()
    assert (ana.role, ana.facility) == (Role.HEALTH_OFFICE, None)


@pytest.mark.parametrize(
    ("who", "body"),
    [
        ("ana", {"facility": None}),  # a midwife without a facility
        ("ana", {"role": "health_office"}),  # a health officer who keeps one
        ("dewi", {"role": "midwife"}),  # a midwife without a facility
        ("dewi", {"facility": "FACILITY"}),  # a health officer with one
        ("adi", {"facility": "FACILITY"}),  # an admin with one
    ],
)
def test_a_change_that_breaks_the_facility_rule_is_refused(
    api, adi, ana, dewi, sumbersari, who, body
):
    target = {"ana": ana, "dewi": dewi, "adi": adi}[who]
    before = (target.role, target.facility_id)
    body = {k: (str(sumbersari.id) if v == "FACILITY" else v) for k, v in body.items()}

    response = api(adi).patch(user_url(target), body, format="json")

    assert response.status_code == 400
    assert "facility" in response.json()
    target.refresh_from_db()
    assert (target.role, target.facility_id) == before
    assert not AdminChange.objects.exists()


def test_a_user_cannot_be_moved_to_a_closed_facility(api, adi, ana, patrang):
    patrang.active = False
    patrang.save()

    response = api(adi).patch(user_url(ana), {"facility": str(patrang.id)}, format="json")

    assert response.status_code == 400
    assert "facility" in response.json()


def test_the_last_active_admin_cannot_be_deactivated(api, adi):
    response = api(adi).patch(user_url(adi), {"active": False}, format="json")

    assert response.status_code == 400
    assert "active" in response.json()
    adi.refresh_from_db()
    assert adi.is_active


def test_the_last_active_admin_cannot_stop_being_admin(api, adi):
    response = api(adi).patch(user_url(adi), {"role": "health_office"}, format="json")

    assert response.status_code == 400
    assert "role" in response.json()
    adi.refresh_from_db()
    assert adi.role == Role.ADMIN


def test_an_admin_may_be_deactivated_while_another_remains(api, adi):
    ida = make_user("ida", Role.ADMIN)

    response = api(adi).patch(user_url(ida), {"active": False}, format="json")

    assert response.status_code == 200
    assert api(adi).patch(user_url(adi), {"active": False}, format="json").status_code == 400


def test_an_inactive_admin_does_not_count_as_the_other_admin(api, adi):
    make_user("ida", Role.ADMIN, is_active=False)

    response = api(adi).patch(user_url(adi), {"active": False}, format="json")

    assert response.status_code == 400


def test_an_admin_resets_a_password_and_the_new_one_works(api, adi, ana):
    response = api(adi).post(
        f"{user_url(ana)}password/", {"password": "a-fresh-long-password"}, format="json"
    )

    assert response.status_code == 204
    assert (
        api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").status_code
        == 401
    )
    login = {"username": "ana", "password": "a-fresh-long-password"}
    assert api().post(TOKEN, login, format="json").status_code == 200
    change = AdminChange.objects.get(object_id=ana.id)
    assert (change.action, change.changes) == ("password_reset", {"password": None})
    assert "a-fresh-long-password" not in str(change.changes)


def test_a_password_the_validators_refuse_is_a_400_in_the_chosen_language(api, adi, ana):
    url = f"{user_url(ana)}password/"
    indonesian = api(adi, language=None).post(url, {"password": "short"}, format="json")
    english = api(adi).post(url, {"password": "short"}, format="json")

    assert indonesian.status_code == english.status_code == 400
    assert "terlalu pendek" in indonesian.json()["password"][0]
    assert "too short" in english.json()["password"][0]
    assert ana.check_password(PASSWORD)
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize("method", ["patch", "post"])
def test_only_an_admin_changes_users(api, ana, citra, dewi, method):
    url = user_url(citra) if method == "patch" else f"{user_url(citra)}password/"
    body = {"full_name": "x"} if method == "patch" else {"password": "a-fresh-long-password"}
    for caller in (ana, citra, dewi):
        response = getattr(api(caller), method)(url, body, format="json")
        assert response.status_code == 403


def test_an_unknown_user_is_a_404(api, adi):
    response = api(adi).patch(
        "/api/v1/users/00000000-0000-0000-0000-000000000000/", {"phone": ""}, format="json"
    )

    assert response.status_code == 404


def test_a_change_that_changes_nothing_writes_no_trail(api, adi, ana):
    response = api(adi).patch(user_url(ana), {"role": "midwife"}, format="json")

    assert response.status_code == 200
    assert not AdminChange.objects.exists()


def test_the_trail_lists_user_creations_and_changes_for_admins_only(api, adi, ana, sumbersari):
    body = {
        "username": "eka",
        "password": "another-long-password",
        "full_name": "Bidan Eka",
        "role": "midwife",
        "facility": str(sumbersari.id),
    }
    assert api(adi).post("/api/v1/users/", body, format="json").status_code == 201
    assert api(adi).patch(user_url(ana), {"active": False}, format="json").status_code == 200

    trail = api(adi).get("/api/v1/admin-changes/?target=user").json()["results"]

    assert [entry["action"] for entry in trail] == ["update", "create"]
    created = trail[1]["changes"]
    assert created["role"] == [None, "midwife"]
    assert created["password"] is None and created["full_name"] is None
    assert "another-long-password" not in str(trail)
    assert api(ana).get("/api/v1/admin-changes/").status_code == 403


@pytest.mark.parametrize("role", ["health_office", "admin"])
def test_a_health_officer_or_admin_is_not_created_with_a_facility(api, adi, sumbersari, role):
    body = {
        "username": "eka",
        "password": "another-long-password",
        "full_name": "Eka",
        "role": role,
        "facility": str(sumbersari.id),
    }
    response = api(adi).post("/api/v1/users/", body, format="json")

    assert response.status_code == 400
    assert "facility" in response.json()
    assert not User.objects.filter(username="eka").exists()
