"""GET /api/v1/dashboard/pws-kia/: coverage, cumulative target, last month, status."""

from __future__ import annotations

from datetime import date

import pytest

from tests.jsc.dashboard import dataset

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/pws-kia/"


def areas(api, user, **params) -> dict:
    response = api(user).get(URL, {"year": 2026, "month": 3, **params})
    assert response.status_code == 200, response.content
    return {a["name"]: a for a in response.json()["areas"]}


def test_a_district_by_village_shows_each_of_the_four_statuses(api, dewi, data):
    tegalgede = areas(api, dewi, district="35.09.21")["Tegalgede"]
    got = tegalgede["indicators"]

    assert (tegalgede["target_pregnancies"], tegalgede["target_deliveries"]) == (9, 8)
    assert got["k1_akses"] | {} == got["k1_akses"]
    assert {k: got["k1_akses"][k] for k in ("count", "coverage_pct", "target_pct")} == {
        "count": 4,
        "coverage_pct": 44.4,
        "target_pct": 23.8,
    }
    assert got["k1_akses"]["last_month_pct"] == 11.1
    assert got["k1_akses"]["status"] == "baik"
    assert (got["k1_murni"]["count"], got["k1_murni"]["status"]) == (2, "kurang")
    assert (got["k4"]["count"], got["k4"]["coverage_pct"], got["k4"]["status"]) == (
        2,
        22.2,
        "cukup",
    )
    assert (got["k6"]["count"], got["k6"]["last_month_pct"], got["k6"]["status"]) == (
        1,
        11.1,
        "jelek",
    )
    assert (got["pn"]["count"], got["pn"]["coverage_pct"]) == (1, 12.5)
    assert (got["risk_detected"]["count"], got["risk_detected"]["status"]) == (2, "baik")


def test_k1_murni_counts_only_first_contacts_in_trimester_1(api, dewi, data):
    got = areas(api, dewi, district="Sumbersari")["Tegalgede"]["indicators"]

    assert got["k1_akses"]["cumulative_count_by_month"] == [1, 2, 4]
    assert got["k1_murni"]["cumulative_count_by_month"] == [1, 2, 2]


def test_k1_murni_takes_the_trimester_from_the_lmp_when_the_edd_comes_from_it(
    api, dewi, ana, sumbersari, places
):
    # LMP 2025-12-10: the EDD is 17 December + 9 months = 2026-09-17, 281 days on, so
    # EDD - 280 would start the pregnancy a day late. 12 weeks is 4 March.
    for first_contact in (date(2026, 3, 4), date(2026, 3, 5)):
        p = dataset.pregnancy(
            facility=sumbersari,
            by=ana,
            lmp=date(2025, 12, 10),
            edd=date(2026, 9, 17),
            village_code=dataset.KRANJINGAN,
        )
        dataset.visits(p, first_contact, by=ana)

    got = areas(api, dewi, district="35.09.21")["Kranjingan"]["indicators"]

    assert (got["k1_akses"]["count"], got["k1_murni"]["count"]) == (2, 1)


def test_a_village_without_population_has_counts_but_no_coverage_or_status(api, dewi, data):
    kranjingan = areas(api, dewi, district="35.09.21")["Kranjingan"]

    assert kranjingan["target_pregnancies"] is None
    assert kranjingan["indicators"]["k1_akses"]["count"] == 1
    assert kranjingan["indicators"]["k1_akses"]["coverage_pct"] is None
    assert kranjingan["indicators"]["k1_akses"]["status"] is None


def test_the_regency_by_district_sums_its_villages(api, dewi, data):
    response = api(dewi).get(URL, {"year": 2026, "month": 3}).json()
    by_name = {a["name"]: a for a in response["areas"]}

    assert response["level"] == "district"
    assert len(by_name) == 31
    sumbersari = by_name["Sumbersari"]
    assert sumbersari["code"] == "35.09.21"
    assert sumbersari["target_pregnancies"] == 9
    assert sumbersari["indicators"]["k1_akses"]["count"] == 5  # G in Kranjingan too
    assert by_name["Ajung"]["indicators"]["k4"]["coverage_pct"] is None


def test_the_cumulative_target_line_grows_by_a_twelfth_a_month(api, dewi, data):
    got = areas(api, dewi, district="35.09.21")["Tegalgede"]["indicators"]["k4"]

    assert got["target_pct_by_month"] == [7.9, 15.8, 23.8]


def test_january_compares_with_december(api, dewi, data):
    got = areas(api, dewi, district="35.09.21", month=1)["Tegalgede"]["indicators"]

    assert got["k4"]["count"] == 1
    assert got["k4"]["last_month_count"] == 0


def test_an_empty_database_answers_without_areas(api, dewi):
    body = api(dewi).get(URL, {"year": 2026, "month": 3}).json()

    assert body["areas"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 2026, "month": 13}, "month"),
        ({"year": 2026, "month": "maret"}, "month"),
        ({"year": "x", "month": 3}, "year"),
        ({"year": 2026, "month": 3, "district": "Atlantis"}, "district"),
        ({"year": 2026, "month": 3, "indicator": "k4"}, "indicator"),
    ],
)
def test_bad_input_answers_400_naming_it(api, dewi, places, params, field):
    response = api(dewi).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()
