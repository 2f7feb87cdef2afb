"""GET /api/v1/dashboard/summary/: the overview's numbers for the data set."""

from __future__ import annotations

from datetime import date

import pytest

from tests.jsc.dashboard import dataset

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/summary/"


def test_it_counts_the_pregnancies_deaths_and_alerts_of_the_data_set(api, dewi, data):
    body = api(dewi).get(URL, {"year": 2026}).json()

    assert {
        k: body[k]
        for k in (
            "active_pregnancies",
            "high_risk",
            "very_high_risk",
            "due_next_14_days",
            "post_term",
        )
    } == {
        "active_pregnancies": 8,
        "high_risk": 2,
        "very_high_risk": 2,
        "due_next_14_days": 1,
        "post_term": 1,
    }
    # Twins in January and A's baby in February; J's death on 5 Jan counts in 2026.
    assert (body["live_births"], body["maternal_deaths"]) == (3, 1)
    assert body["mmr_per_100k_live_births"] == 33333.3
    assert (body["alerts_sent"], body["alerts_acknowledged"]) == (4, 3)
    assert body["median_hours_to_acknowledge"] == 2.0


def test_post_term_is_42_weeks_from_the_lmp_or_from_an_ultrasound_edd_less_280(
    api, dewi, ana, sumbersari
):
    # Today is 10 March 2026; 42 weeks (294 days) ago is 20 May 2025.
    for lmp, edd in [
        (date(2025, 5, 20), date(2026, 2, 27)),  # 42w0d, though its EDD is 11 days ago
        (date(2025, 5, 21), date(2026, 2, 28)),  # 41w6d
        (None, date(2026, 2, 24)),  # ultrasound: 42w0d
        (None, date(2026, 2, 25)),  # ultrasound: 41w6d
    ]:
        dataset.pregnancy(facility=sumbersari, by=ana, lmp=lmp, edd=edd, village_code=None)

    body = api(dewi).get(URL, {"year": 2026}).json()

    assert (body["active_pregnancies"], body["post_term"]) == (4, 2)


def test_a_death_in_january_after_a_birth_in_december_splits_across_the_years(api, dewi, data):
    body = api(dewi).get(URL, {"year": 2025}).json()

    assert (body["live_births"], body["maternal_deaths"]) == (1, 0)
    assert body["mmr_per_100k_live_births"] == 0.0


def test_by_district_uses_the_mothers_village_else_the_facilitys_district(api, dewi, data):
    rows = {r["district"]: r for r in api(dewi).get(URL, {"year": 2026}).json()["by_district"]}

    assert len(rows) == 31
    assert rows["Sumbersari"]["active_pregnancies"] == 7
    assert rows["Sumbersari"]["very_high_risk"] == 2
    assert rows["Sumbersari"]["maternal_deaths"] == 1
    assert rows["Patrang"]["active_pregnancies"] == 1
    assert rows["Patrang"]["live_births"] == 2
    assert rows["Ajung"]["active_pregnancies"] == 0


def test_an_empty_database_answers_zeros_and_no_ratio(api, adi):
    body = api(adi).get(URL).json()

    assert body["active_pregnancies"] == 0
    assert body["mmr_per_100k_live_births"] is None
    assert body["median_hours_to_acknowledge"] is None
    assert body["by_district"] == []


@pytest.mark.parametrize("year", ["20x6", "1999", "-1", "2026.5"])
def test_a_year_that_is_not_valid_answers_400_naming_it(api, dewi, year):
    response = api(dewi).get(URL, {"year": year})

    assert response.status_code == 400
    assert "year" in response.json()


def test_an_unknown_parameter_answers_400_naming_it(api, dewi):
    response = api(dewi).get(URL, {"yaer": 2026})

    assert response.status_code == 400
    assert "yaer" in response.json()


@pytest.mark.parametrize("who", ["ana", "citra"])
def test_clinical_staff_are_refused(api, request, who):
    assert api(request.getfixturevalue(who)).get(URL).status_code == 403
