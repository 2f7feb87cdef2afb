"""POST /api/v1/deaths/zero-report/: a facility with no death in a month says so."""

from __future__ import annotations

import pytest

from deaths.models import ZeroReport
from tests.deaths.helpers import at, notify, unregistered

pytestmark = pytest.mark.django_db
URL = "/api/v1/deaths/zero-report/"


def test_a_month_without_deaths_is_reported_once(api, ana):
    first = api(ana).post(URL, {"month": "2026-02"}, format="json")
    again = api(ana).post(URL, {"month": "2026-02"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["month"] == "2026-02"
    assert ZeroReport.objects.count() == 1


def test_a_month_with_a_death_this_facility_notified_answers_409(api, places, bayu, ana):
    notify(api(bayu), unregistered(died_at=at(days_ago=1)))

    assert api(bayu).post(URL, {"month": "2026-03"}, format="json").status_code == 409
    assert api(ana).post(URL, {"month": "2026-03"}, format="json").status_code == 201


@pytest.mark.parametrize("month", ["2026-04", "2026-13", "March", "0000-01", "1999-12", ""])
def test_a_month_to_come_or_not_a_month_answers_400(api, ana, month):
    response = api(ana).post(URL, {"month": month}, format="json")

    assert response.status_code == 400
    assert "month" in response.json()


@pytest.mark.parametrize("who", ["dewi", "adi"])
def test_only_a_facility_reports(api, request, who):
    assert (
        api(request.getfixturevalue(who)).post(URL, {"month": "2026-02"}, format="json").status_code
        == 403
    )
