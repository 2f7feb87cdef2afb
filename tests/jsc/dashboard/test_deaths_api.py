"""GET /api/v1/dashboard/deaths/: the deaths page's figures for a data set built here.

On top of the dashboard's data set (J gave birth on 28 Dec 2025 and died on 5 Jan 2026,
notified from her outcome): a woman never registered who died on 20 Dec 2025, a late
maternal death and a perinatal death in February 2026 notified by Puskesmas Patrang, a
death screened out as not maternal, and Puskesmas Sumbersari's zero report for
February. Today is 10 March 2026, so January and February have ended.
"""

from __future__ import annotations

import pytest

from tests.jsc.dashboard import dataset

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/deaths/"


@pytest.fixture
def deaths(data, ana, bayu, dewi, sumbersari):
    dataset.build_deaths(ana=ana, bayu=bayu, dewi=dewi, sumbersari=sumbersari)


def test_the_years_deaths_by_kind_month_and_district(api, dewi, deaths):
    body = api(dewi).get(URL, {"year": 2026}).json()

    # J (5 Jan, after a December birth) counts in 2026; the screened-out death nowhere.
    assert (body["maternal"], body["late_maternal"], body["perinatal"]) == (1, 1, 1)
    months = {row["month"]: row for row in body["by_month"]}
    assert months[1] == {"month": 1, "maternal": 1, "late_maternal": 0, "perinatal": 0}
    assert (months[2]["late_maternal"], months[3]["perinatal"]) == (1, 1)
    districts = {row["district"]: row for row in body["by_district"]}
    assert districts["Sumbersari"]["maternal"] == 1  # J's village
    assert districts["Patrang"]["late_maternal"] == 1  # no village: the notifier's district


def test_the_mmr_states_its_denominator_and_is_not_a_ratio_under_1000_births(api, dewi, deaths):
    body = api(dewi).get(URL, {"year": 2026}).json()

    assert body["live_births"] == 3
    assert body["mmr_per_100k_live_births"] == 33333.3
    assert body["mmr_reliable"] is False


def test_a_death_in_december_counts_in_its_own_year(api, dewi, deaths):
    body = api(dewi).get(URL, {"year": 2025}).json()

    assert (body["maternal"], body["late_maternal"], body["perinatal"]) == (1, 0, 0)
    assert body["live_births"] == 1  # J's baby, 28 December


def test_the_review_figures_the_delays_and_the_limit(api, dewi, deaths):
    body = api(dewi).get(URL, {"year": 2026}).json()

    assert body["by_cause_group"]["grup2-icdmm"] == 1
    assert sum(body["by_cause_group"].values()) == 1
    assert body["not_reviewed"] == 2
    assert body["by_delay"] == {"deciding": 0, "reaching": 1, "receiving": 1}
    # J and the late maternal death were notified in March, weeks late; the baby's death
    # within hours.
    assert body["notified_within_limit_pct"] == 33.3
    assert (body["reviews_done"], body["reviews_overdue"]) == (1, 0)
    assert (body["recommendations_open"], body["recommendations_overdue"]) == (1, 0)
    [j] = [c for c in body["cases"] if c["registered"]]
    assert j["delays"] == {"deciding": False, "reaching": True, "receiving": True}


def test_facilities_missing_a_zero_report(api, dewi, deaths):
    missing = api(dewi).get(URL, {"year": 2026}).json()["missing_zero_reports"]

    # Sumbersari: a death in January, "none" in February. Patrang: a death in February.
    assert [(m["facility"]["name"], m["month"]) for m in missing] == [
        ("Puskesmas Patrang", "2026-01")
    ]


def test_the_overview_counts_the_cases_too(api, dewi, deaths):
    summary = api(dewi).get("/api/v1/dashboard/summary/", {"year": 2025}).json()

    # The woman never registered, who died on 20 December, has no outcome: still counted.
    assert summary["maternal_deaths"] == 1
    assert summary["mmr_reliable"] is False


def test_an_empty_year_answers_zeros(api, adi):
    body = api(adi).get(URL, {"year": 2030}).json()

    assert (body["maternal"], body["live_births"], body["mmr_per_100k_live_births"]) == (0, 0, None)
    assert body["notified_within_limit_pct"] is None
    assert body["missing_zero_reports"] == []


@pytest.mark.parametrize("who", ["ana", "citra"])
def test_clinical_staff_are_refused(api, request, who):
    assert api(request.getfixturevalue(who)).get(URL).status_code == 403


def test_a_bad_year_or_parameter_answers_400(api, dewi):
    assert "year" in api(dewi).get(URL, {"year": "20x6"}).json()
    assert "yaer" in api(dewi).get(URL, {"yaer": 2026}).json()
