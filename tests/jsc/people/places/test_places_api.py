"""GET /api/v1/districts/ and /api/v1/villages/: the regency's places with their codes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_districts_list_the_regencys_31_with_kemendagri_codes(api, ana, places):
    response = api(ana).get("/api/v1/districts/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 31
    assert body["results"][0] == {"code": "35.09.01", "name": "Jombang"}
    assert {"code": "35.09.21", "name": "Sumbersari"} in body["results"]


def test_villages_of_a_district_by_code_or_by_name(api, citra, places):
    by_code = api(citra).get("/api/v1/villages/?district=35.09.21").json()
    by_name = api(citra).get("/api/v1/villages/?district=sumbersari").json()

    assert by_code == by_name
    assert {
        "code": "35.09.21.1005",
        "name": "Tegalgede",
        "district": {"code": "35.09.21", "name": "Sumbersari"},
    } in by_code["results"]
    assert all(v["code"].startswith("35.09.21.") for v in by_code["results"])


def test_an_unknown_district_or_parameter_answers_400_naming_it(api, ana, places):
    assert "district" in api(ana).get("/api/v1/villages/?district=Atlantis").json()
    response = api(ana).get("/api/v1/villages/?distrct=35.09.21")
    assert response.status_code == 400
    assert "distrct" in response.json()


def test_anonymous_callers_are_refused(api, places):
    assert api().get("/api/v1/districts/").status_code == 401
