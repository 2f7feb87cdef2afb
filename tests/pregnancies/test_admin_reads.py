"""Admins see no mother's record: reading the registry answers 403 with a message that
says so, not one about changing the registry; what the Django admin shows of an alert
holds no note about her."""

from __future__ import annotations

import pytest

from jsc.people.models import User
from notifications.models import Alert
from pregnancies.models import Pregnancy
from tests.pregnancies.helpers import register

pytestmark = pytest.mark.django_db


def test_an_admin_reading_the_pregnancy_list_is_told_admins_see_no_records(api, adi):
    response = api(adi).get("/api/v1/pregnancies/")

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "Admins see no mother's record" in detail
    assert "change" not in detail


def test_the_health_office_writing_is_still_told_about_changing(api, dewi):
    response = api(dewi).post("/api/v1/pregnancies/", {}, format="json")

    assert response.status_code == 403
    assert "change the pregnancy registry" in response.json()["detail"]


def test_the_django_admin_shows_an_alert_without_the_doctors_note(client, api, ana, citra):
    created = register(api(ana))
    pregnancy = Pregnancy.objects.get(pk=created["id"])
    alert = Alert.objects.create(
        pregnancy=pregnancy,
        milestone="edd_minus_28",
        recipient=citra,
        edd=pregnancy.edd,
        risk_band=pregnancy.risk_band,
        note="Ibu mengeluh pusing berat",
    )
    root = User.objects.create_superuser("root", password="a-long-test-password", full_name="Root")
    client.force_login(root)

    page = client.get(f"/admin/notifications/alert/{alert.pk}/change/")

    assert page.status_code == 200
    assert "pusing" not in page.content.decode()
    assert "Siti Aminah" not in page.content.decode()
