"""Editing alert rules in the Django admin keeps them as valid as the API does."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import AlertRule
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(make_user("root", "admin", is_superuser=True, is_staff=True))
    return client


def change(client: Client, rule: AlertRule, **fields):
    form = {
        "offset_days": rule.offset_days,
        "bands": '["low", "high", "very_high"]',
        "urgent": "",
        "active": "on",
    }
    form.update(fields)
    return client.post(f"/admin/notifications/alertrule/{rule.id}/change/", form)


@pytest.mark.parametrize("bands", ['"high"', "[]", '["medium"]', '{"high": true}'])
def test_it_refuses_bands_that_are_not_a_list_of_known_bands(admin_client, bands):
    rule = AlertRule.objects.get(milestone="edd_minus_7")

    response = change(admin_client, rule, bands=bands)

    assert response.status_code == 200  # the form again, with its error
    assert response.context["adminform"].form.errors["bands"]
    rule.refresh_from_db()
    assert rule.bands == ["low", "high", "very_high"]


def test_it_stores_the_bands_in_band_order(admin_client):
    rule = AlertRule.objects.get(milestone="edd_minus_7")

    response = change(admin_client, rule, bands='["very_high", "high"]')

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.bands == ["high", "very_high"]


def test_it_does_not_rename_a_milestone(admin_client):
    rule = AlertRule.objects.get(milestone="edd_minus_7")

    response = change(admin_client, rule, milestone="seminggu_lagi", offset_days=-8)

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.milestone, rule.offset_days) == ("edd_minus_7", -8)
