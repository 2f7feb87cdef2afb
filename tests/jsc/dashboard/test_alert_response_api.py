"""GET /api/v1/dashboard/alert-response/: how fast each facility answers its alerts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/alert-response/"


def test_it_counts_per_answering_facility_the_referred_pregnancys_alert_included(api, dewi, data):
    rows = {
        r["facility"]["name"]: r for r in api(dewi).get(URL, {"year": 2026}).json()["by_facility"]
    }

    assert set(rows) == {"Puskesmas Sumbersari", "Puskesmas Patrang"}
    assert {k: v for k, v in rows["Puskesmas Sumbersari"].items() if k != "facility"} == {
        "alerts_sent": 3,
        "alerts_acknowledged": 2,
        "median_hours_to_acknowledge": 1.5,
        "unacknowledged_very_high": 1,
        "escalated": 1,
        "danger_sign_alerts": 1,
    }
    # Pregnancy I of Sumbersari, referred to Patrang: Dr Dodi answered in 4 hours,
    # counted from the alert since no device took a push.
    assert rows["Puskesmas Patrang"]["median_hours_to_acknowledge"] == 4.0
    assert rows["Puskesmas Patrang"]["alerts_sent"] == 1


def test_a_month_narrows_it(api, dewi, data):
    assert api(dewi).get(URL, {"year": 2026, "month": 2}).json()["by_facility"] == []
    assert len(api(dewi).get(URL, {"year": 2026, "month": 3}).json()["by_facility"]) == 2


@pytest.mark.parametrize(("params", "field"), [({"month": 0}, "month"), ({"year": "y"}, "year")])
def test_bad_input_answers_400_naming_it(api, dewi, params, field):
    response = api(dewi).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_an_empty_database_answers_no_facilities(api, adi):
    assert api(adi).get(URL).json()["by_facility"] == []
