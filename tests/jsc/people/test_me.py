"""GET /api/v1/me/: who the caller is, for every role."""

from __future__ import annotations

import pytest

ME = "/api/v1/me/"

pytestmark = pytest.mark.django_db


def test_it_describes_a_midwife_and_her_facility(api, ana, sumbersari):
    response = api(ana).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": str(ana.id),
        "username": "ana",
        "full_name": "Bidan Ana",
        "role": "midwife",
        "facility": {
            "id": str(sumbersari.id),
            "code": "PKM-SBS",
            "name": "Puskesmas Sumbersari",
            "district": "Sumbersari",
        },
    }


@pytest.mark.parametrize(
    ("who", "role", "facility_code"),
    [
        ("ana", "midwife", "PKM-SBS"),
        ("bayu", "midwife", "PKM-PTR"),
        ("citra", "doctor", "PKM-SBS"),
        ("dodi", "doctor", "PKM-PTR"),
        ("dewi", "health_office", None),
        ("adi", "admin", None),
    ],
)
def test_it_gives_every_role_its_role_and_facility(api, request, who, role, facility_code):
    user = request.getfixturevalue(who)

    body = api(user).get(ME).json()

    assert body["username"] == who
    assert body["role"] == role
    if facility_code is None:
        assert body["facility"] is None
    else:
        assert body["facility"]["code"] == facility_code


def test_a_superuser_acts_as_admin_whatever_its_stored_role(api, root):
    assert root.role == "health_office"

    assert api(root).get(ME).json()["role"] == "admin"


def test_a_superuser_made_by_createsuperuser_is_an_admin(api, db, monkeypatch):
    from django.core.management import call_command

    from jsc.people.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-boss-password")
    call_command("createsuperuser", "--noinput", verbosity=0)

    boss = User.objects.get(username="boss")
    assert boss.role == "admin"
    assert boss.full_name == "boss"
    assert api(boss).get(ME).json()["role"] == "admin"


def test_it_answers_401_without_credentials(api, db):
    assert api().get(ME).status_code == 401


def test_it_works_with_a_session_login_too(client, ana):
    client.force_login(ana)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "ana"
