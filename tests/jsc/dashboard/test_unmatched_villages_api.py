"""Villages typed before the places were loaded: listed, and matched by the health office."""

from __future__ import annotations

import pytest

from pregnancies.models import Mother

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/unmatched-villages/"


def test_they_are_listed_with_how_many_records_carry_them(api, dewi, data):
    assert api(dewi).get(URL).json()["results"] == [{"village": "Kampung Lama", "mothers": 1}]


def test_the_health_office_matches_a_text_to_a_village(api, dewi, data):
    response = api(dewi).post(
        URL, {"text": "Kampung Lama", "village": "35.09.20.1001"}, format="json"
    )

    assert response.json() == {"matched": 1}
    mother = Mother.objects.get(pk=data.h.mother_id)
    assert mother.village_place.code == "35.09.20.1001"
    assert api(dewi).get(URL).json()["results"] == []


def test_an_unknown_village_answers_400_naming_it_and_changes_nothing(api, dewi, data):
    response = api(dewi).post(URL, {"text": "Kampung Lama", "village": "Atlantis"}, format="json")

    assert response.status_code == 400
    assert "village" in response.json()
    assert Mother.objects.get(pk=data.h.mother_id).village_place is None


def test_a_midwife_may_not_match(api, ana, data):
    response = api(ana).post(URL, {"text": "Kampung Lama", "village": "Tegalgede"}, format="json")

    assert response.status_code == 403
