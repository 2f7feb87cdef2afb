"""GET /api/v1/dashboard/expected-deliveries/: the next 8 weeks by facility and band."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/expected-deliveries/"


def test_it_counts_active_pregnancies_per_week_facility_and_band(api, dewi, data):
    body = api(dewi).get(URL).json()

    assert [w["start"] for w in body["weeks"]][:2] == ["2026-03-10", "2026-03-17"]
    # H (Patrang, high, EDD 20 March) in week 2; B (15 April) in week 6; F (1 May) in week 8.
    assert body["totals"] == [0, 1, 0, 0, 0, 1, 0, 1]
    patrang = next(f for f in body["by_facility"] if f["facility"]["name"] == "Puskesmas Patrang")
    assert patrang["weeks"][1] == {"low": 0, "high": 1, "very_high": 0, "total": 1}


def test_an_empty_database_answers_zero_weeks(api, dewi):
    body = api(dewi).get(URL).json()

    assert body["totals"] == [0] * 8
    assert body["by_facility"] == []


def test_a_doctor_is_refused(api, citra):
    assert api(citra).get(URL).status_code == 403
