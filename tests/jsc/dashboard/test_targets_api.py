"""PUT /api/v1/dashboard/targets/{year}/: crude birth rate, populations, annual targets."""

from __future__ import annotations

import pytest

from jsc.dashboard.models import TargetYear, VillagePopulation

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/targets/2026/"


def test_it_saves_the_figures_and_answers_the_whole_year(api, dewi, places):
    response = api(dewi).put(
        URL,
        {
            "crude_birth_rate_per_1000": 16.5,
            "population": {"35.09.21.1005": 500, "35.09.21.1003": 800},
            "annual_target_pct": {"k4": 90},
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["population"] == {"35.09.21.1003": 800, "35.09.21.1005": 500}
    assert body["annual_target_pct"]["k4"] == 90
    assert body["annual_target_pct"]["k1_akses"] == 95  # the default
    assert float(body["crude_birth_rate_per_1000"]) == 16.5


def test_villages_and_indicators_not_named_keep_their_figure(api, adi, places):
    api(adi).put(
        URL, {"crude_birth_rate_per_1000": 16, "population": {"35.09.21.1005": 500}}, format="json"
    )

    body = api(adi).put(URL, {"population": {"35.09.21.1003": 10}}, format="json").json()

    assert body["population"] == {"35.09.21.1003": 10, "35.09.21.1005": 500}
    assert float(body["crude_birth_rate_per_1000"]) == 16


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"population": {"35.09.21.1005": -1}}, "population"),
        ({"population": {"35.09.21.1005": "many"}}, "population"),
        ({"population": {"35.09.21.1005": 10.5}}, "population"),
        ({"population": {"99.99.99.9999": 10}}, "population"),
        ({"crude_birth_rate_per_1000": 4.9}, "crude_birth_rate_per_1000"),
        ({"crude_birth_rate_per_1000": 51}, "crude_birth_rate_per_1000"),
        ({"crude_birth_rate_per_1000": "x"}, "crude_birth_rate_per_1000"),
        ({"annual_target_pct": {"k9": 90}}, "annual_target_pct"),
        ({"annual_target_pct": {"k4": 101}}, "annual_target_pct"),
    ],
)
def test_bad_figures_answer_400_naming_them_and_save_nothing(api, dewi, places, payload, field):
    good = {"crude_birth_rate_per_1000": 16, "population": {"35.09.21.1003": 5}}
    body = {**good, **payload}
    if "population" in payload:
        body["population"] = {**good["population"], **payload["population"]}

    response = api(dewi).put(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not TargetYear.objects.exists()
    assert not VillagePopulation.objects.exists()


def test_a_year_that_is_not_valid_answers_400(api, dewi, places):
    response = api(dewi).put("/api/v1/dashboard/targets/20x6/", {}, format="json")

    assert response.status_code == 400
    assert "year" in response.json()


def test_clinical_staff_are_refused(api, citra, places):
    assert api(citra).put(URL, {}, format="json").status_code == 403


def test_a_body_that_is_not_an_object_answers_400_and_saves_nothing(api, dewi, places):
    response = api(dewi).put(URL, [1, 2], format="json")

    assert response.status_code == 400
    assert not TargetYear.objects.exists()


def test_an_empty_year_answers_the_defaults(api, dewi, places):
    body = api(dewi).get(URL).json()

    assert body["crude_birth_rate_per_1000"] is None
    assert body["population"] == {}
    assert body["annual_target_pct"]["k4"] == 95
