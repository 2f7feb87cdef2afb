"""POST /api/v1/users/: only an admin creates users, with a known role and, for midwives
and doctors, a facility."""

from __future__ import annotations

import pytest

from jsc.people.models import User

USERS = "/api/v1/users/"
TOKEN = "/api/v1/auth/token/"

pytestmark = pytest.mark.django_db


def new_user(at=None, **changes) -> dict:
    """A valid body for midwife Eka at facility ``at``, with ``changes`` applied."""
    body = {
        "username": "eka",
        "password": "another-long-password",
        "full_name": "Bidan Eka",
        "role": "midwife",
        "facility": str(at.id) if at else None,
    }
    body.update(changes)
    return body


def test_an_admin_creates_a_midwife_who_can_then_log_in(api, adi, sumbersari):
    response = api(adi).post(USERS, new_user(sumbersari), format="json")

    assert response.status_code == 201
    body = response.json()
    eka = User.objects.get(username="eka")
    assert body["id"] == str(eka.id)
    assert body["role"] == "midwife"
    assert body["facility"] == str(sumbersari.id)
    assert "password" not in body
    assert eka.facility == sumbersari
    assert eka.check_password("another-long-password")
    login = {"username": "eka", "password": "another-long-password"}
    assert api().post(TOKEN, login, format="json").status_code == 200


@pytest.mark.parametrize("role", ["doctor", "midwife"])
def test_an_admin_creates_a_clinician_at_a_facility(api, adi, patrang, role):
    response = api(adi).post(USERS, new_user(patrang, role=role), format="json")

    assert response.status_code == 201
    assert User.objects.get(username="eka").role == role


@pytest.mark.parametrize("role", ["health_office", "admin"])
def test_an_admin_creates_a_user_without_a_facility(api, adi, role):
    response = api(adi).post(USERS, new_user(role=role), format="json")

    assert response.status_code == 201
    assert response.json()["facility"] is None


def test_a_superuser_creates_users(api, root, sumbersari):
    assert api(root).post(USERS, new_user(sumbersari), format="json").status_code == 201


@pytest.mark.parametrize("who", ["ana", "citra", "dewi"])
def test_it_refuses_a_user_from_anyone_but_an_admin(api, request, sumbersari, who):
    user = request.getfixturevalue(who)

    response = api(user).post(USERS, new_user(sumbersari, role="admin"), format="json")

    assert response.status_code == 403
    assert not User.objects.filter(username="eka").exists()


@pytest.mark.parametrize("who", ["ana", "citra", "dewi"])
def test_it_refuses_the_user_list_to_anyone_but_an_admin(api, request, who):
    assert api(request.getfixturevalue(who)).get(USERS).status_code == 403


def test_an_admin_lists_users(api, adi, ana):
    response = api(adi).get(USERS)

    assert response.status_code == 200
    assert {u["username"] for u in response.json()["results"]} == {"adi", "ana"}
    assert all("password" not in u for u in response.json()["results"])


def test_it_answers_401_to_an_anonymous_caller(api, sumbersari):
    assert api().post(USERS, new_user(sumbersari), format="json").status_code == 401


def test_it_rejects_an_unknown_role(api, adi, sumbersari):
    response = api(adi).post(USERS, new_user(sumbersari, role="nurse"), format="json")

    assert response.status_code == 400
    assert "role" in response.json()


@pytest.mark.parametrize("role", ["midwife", "doctor"])
def test_it_rejects_a_clinician_without_a_facility(api, adi, role):
    response = api(adi).post(USERS, new_user(role=role), format="json")

    assert response.status_code == 400
    assert "facility" in response.json()
    assert not User.objects.filter(username="eka").exists()


def test_it_rejects_a_clinician_whose_facility_key_is_absent(api, adi):
    body = new_user()
    del body["facility"]

    response = api(adi).post(USERS, body, format="json")

    assert response.status_code == 400
    assert "facility" in response.json()


def test_it_rejects_a_facility_that_does_not_exist(api, adi):
    body = new_user(facility="00000000-0000-4000-8000-000000000000")

    response = api(adi).post(USERS, body, format="json")

    assert response.status_code == 400
    assert "facility" in response.json()


def test_it_rejects_a_duplicate_username(api, adi, ana, sumbersari):
    response = api(adi).post(USERS, new_user(sumbersari, username="ana"), format="json")

    assert response.status_code == 400
    assert "username" in response.json()
    assert User.objects.filter(username="ana").count() == 1


def test_it_rejects_a_username_with_spaces_or_symbols(api, adi, sumbersari):
    response = api(adi).post(USERS, new_user(sumbersari, username="eka <b>"), format="json")

    assert response.status_code == 400
    assert "username" in response.json()


def test_it_rejects_a_weak_password(api, adi, sumbersari):
    response = api(adi).post(USERS, new_user(sumbersari, password="password"), format="json")

    assert response.status_code == 400
    assert "password" in response.json()


@pytest.mark.parametrize("field", ["username", "password", "full_name", "role"])
def test_it_rejects_a_user_with_a_missing_field(api, adi, sumbersari, field):
    body = new_user(sumbersari)
    del body[field]

    response = api(adi).post(USERS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", 5),
        ("role", ["midwife"]),
        ("role", {"name": "midwife"}),
        ("role", None),
        ("facility", 5),
        ("facility", True),
        ("facility", -1),
        ("facility", 1.5),
        ("facility", "not-a-uuid"),
        ("facility", ["x"]),
        ("facility", {"id": "x"}),
        ("username", ["eka"]),
        ("username", {"a": 1}),
        ("password", None),
        ("full_name", ""),
        ("full_name", ["Eka"]),
    ],
)
def test_it_rejects_a_field_of_the_wrong_type_with_400(api, adi, sumbersari, field, value):
    response = api(adi).post(USERS, new_user(sumbersari, **{field: value}), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(username="eka").exists()


@pytest.mark.parametrize("body", [[{"username": "eka"}], "eka", 5, None])
def test_it_rejects_a_body_that_is_not_an_object_with_400(api, adi, body):
    response = api(adi).post(USERS, body, format="json")

    assert response.status_code == 400


def test_a_username_taken_between_validation_and_saving_is_a_400_not_a_500(adi, sumbersari):
    # Two admins at once: both pass the uniqueness check, the unique index decides.
    from rest_framework.exceptions import ValidationError

    from jsc.people.serializers import UserCreateSerializer
    from jsc.people.services import user_create
    from tests.conftest import make_user

    serializer = UserCreateSerializer(data=new_user(sumbersari))
    assert serializer.is_valid(), serializer.errors
    make_user("eka", "health_office")

    with pytest.raises(ValidationError) as raised:
        user_create(data=serializer.validated_data, by=adi)

    assert "username" in raised.value.detail


def test_an_admin_made_through_the_api_works_in_the_api_but_not_in_the_django_admin(
    api, adi, root, client
):
    # What README.md's "Operating it" says: /admin/ is for superusers only.
    made = api(adi).post(USERS, new_user(role="admin", username="ida"), format="json")
    assert made.status_code == 201
    ida = User.objects.get(username="ida")
    assert not ida.is_staff
    assert api(ida).get(USERS).status_code == 200

    client.force_login(ida)
    assert client.get("/admin/").status_code == 302
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
