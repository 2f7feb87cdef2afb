"""manage.py seed_demo: Jember's 31 districts, staff of every role, and a second run
that changes nothing."""

from __future__ import annotations

from io import StringIO
from unittest.mock import patch

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from jsc.people.demo import DEMO_PASSWORD
from jsc.people.districts import JEMBER_KECAMATAN
from jsc.people.management.commands import seed_demo
from jsc.people.models import District, Facility, User

pytestmark = pytest.mark.django_db


def seed(*args: str, extensions: bool = False) -> str:
    """Run seed_demo; the later apps' demo data (DEMO_EXTENSIONS) only when asked, as it
    is slow and most tests here are about the people."""
    out = StringIO()
    with patch.object(
        seed_demo, "DEMO_EXTENSIONS", seed_demo.DEMO_EXTENSIONS if extensions else []
    ):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every people row, every column, ordered: equal snapshots, equal data."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (District, Facility, User)
    }


def counts() -> dict:
    """Row counts of every model, so demo data that later apps add is covered too."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def names_in_data_file() -> list[str]:
    lines = JEMBER_KECAMATAN.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_it_loads_the_31_districts_of_the_data_file():
    seed()

    assert len(names_in_data_file()) == 31
    assert sorted(District.objects.values_list("name", flat=True)) == sorted(names_in_data_file())


def test_it_gives_every_district_a_puskesmas_with_a_midwife_and_a_doctor():
    seed()

    for district in District.objects.all():
        puskesmas = Facility.objects.get(district=district, kind="puskesmas")
        roles = set(User.objects.filter(facility=puskesmas).values_list("role", flat=True))
        assert roles == {"midwife", "doctor"}, district.name


def test_every_role_is_present_and_can_log_in(api):
    seed()

    roles = {user.effective_role for user in User.objects.all()}
    assert roles == {"midwife", "doctor", "health_office", "admin"}
    for username, role in [
        ("bidan.sumbersari", "midwife"),
        ("dokter.sumbersari", "doctor"),
        ("dinkes", "health_office"),
        ("admin", "admin"),
    ]:
        token = api().post(
            "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
        )
        assert token.status_code == 200, username
        client = api()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access']}")
        assert client.get("/api/v1/me/").json()["role"] == role


def test_the_admin_is_a_superuser():
    seed()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_a_second_run_changes_nothing():
    seed(extensions=True)
    first, first_counts = snapshot(), counts()

    seed(extensions=True)

    assert counts() == first_counts
    assert snapshot() == first


def test_a_second_run_keeps_a_changed_password():
    seed()
    admin = User.objects.get(username="admin")
    admin.set_password("the-admin-changed-it")
    admin.save()

    seed()

    assert User.objects.get(username="admin").check_password("the-admin-changed-it")


def test_it_finds_existing_rows_by_name_instead_of_duplicating_or_overwriting_them():
    from tests.conftest import make_user

    District.objects.create(name="Patrang")
    dinkes = make_user("dinkes", "health_office", full_name="Our own Dinkes")

    seed()

    assert District.objects.filter(name="Patrang").count() == 1
    kept = User.objects.get(username="dinkes")
    assert (kept.pk, kept.full_name, kept.password) == (
        dinkes.pk,
        "Our own Dinkes",
        dinkes.password,
    )


def test_it_prints_the_demo_logins():
    out = seed()

    assert "31 districts" in out
    assert DEMO_PASSWORD in out
    assert "bidan.sumbersari" in out


@override_settings(JSC_ENV="production")
def test_it_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="--allow-production"):
        seed()

    assert not User.objects.exists()
    assert not District.objects.exists()


@override_settings(JSC_ENV="production")
def test_it_runs_in_production_when_explicitly_allowed():
    seed("--allow-production")

    assert District.objects.count() == 31


def test_it_leaves_alerts_in_the_demo_doctors_inboxes(api):
    from notifications.models import Alert

    seed(extensions=True)

    doctors_with_alerts = User.objects.filter(
        role="doctor", alerts__isnull=False, username__startswith="dokter."
    ).distinct()
    assert doctors_with_alerts.count() >= 5
    doctor = doctors_with_alerts.first()
    inbox = api(doctor).get("/api/v1/alerts/").json()["results"]
    # Cancelled alerts (an urgent visit's alert on a pregnancy that has ended since) are
    # not in an inbox.
    assert {item["id"] for item in inbox} == {
        str(a.id) for a in Alert.objects.filter(recipient=doctor).exclude(status="cancelled")
    }
