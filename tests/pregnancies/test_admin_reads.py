"""Admins see no mother's record: reading the registry answers 403 with a message that
says so, not one about changing the registry."""

from __future__ import annotations

import pytest

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
