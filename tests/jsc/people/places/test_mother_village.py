"""A mother's village is one of the regency's: a code or an unambiguous name."""

from __future__ import annotations

import pytest

from pregnancies.models import Mother
from tests.pregnancies.helpers import URL, body, detail, mother, register

pytestmark = pytest.mark.django_db


def test_a_name_is_matched_and_the_answer_carries_its_code(api, ana, places):
    made = register(api(ana), mother=mother(village="kranjingan"))

    assert made["mother"]["village"] == "Kranjingan"
    assert made["mother"]["village_code"] == "35.09.21.1003"
    assert Mother.objects.get().village_place.code == "35.09.21.1003"


def test_a_code_is_accepted_with_or_without_dots(api, ana, places):
    made = register(api(ana), mother=mother(village="3509211005"))

    assert (made["mother"]["village"], made["mother"]["village_code"]) == (
        "Tegalgede",
        "35.09.21.1005",
    )


def test_an_unknown_village_answers_400_naming_mother_and_saves_nothing(api, ana, places):
    response = api(ana).post(URL, body(mother=mother(village="Atlantis")), format="json")

    assert response.status_code == 400
    assert "village" in response.json()["mother"]
    assert not Mother.objects.exists()


def test_a_name_in_two_districts_lists_the_codes_to_choose_from(api, bayu, places):
    # Bayu works at Puskesmas Patrang; "Ajung" names a village in Ajung and in Kalisat.
    response = api(bayu).post(URL, body(mother=mother(village="Ajung")), format="json")

    assert response.status_code == 400
    message = response.json()["mother"]["village"][0]
    assert "35.09.17.2001" in message or "35.09.17" in message
    assert message.count("35.09.") >= 2


def test_a_shared_name_is_settled_by_the_facilitys_district(api, ana, places):
    # "Karangrejo" names villages in Sumbersari and elsewhere; Ana works in Sumbersari.
    made = register(api(ana), mother=mother(village="Karangrejo"))

    assert made["mother"]["village_code"].startswith("35.09.21.")


def test_a_patch_rematches_the_village(api, ana, places):
    made = register(api(ana))

    response = api(ana).patch(
        detail(made["id"]), {"mother": {"village": "Tegalgede"}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["mother"]["village_code"] == "35.09.21.1005"


def test_before_places_are_loaded_the_text_is_kept_unmatched(api, ana, dewi):
    made = register(api(ana), mother=mother(village="Kampung Lama"))

    assert (made["mother"]["village"], made["mother"]["village_code"]) == ("Kampung Lama", None)
    listed = api(dewi).get("/api/v1/dashboard/unmatched-villages/").json()["results"]
    assert listed == [{"village": "Kampung Lama", "mothers": 1}]


def test_a_second_pregnancy_of_a_known_mother_rematches_her_village(api, ana, places):
    first = register(api(ana), mother=mother(village="Kranjingan"))
    api(ana).post(
        f"{detail(first['id'])}outcome/",
        {"kind": "miscarriage", "date": "2026-03-01"},
        format="json",
    )

    again = register(api(ana), mother=mother(village="Tegalgede"), lmp="2026-03-05")

    assert again["mother"]["village_code"] == "35.09.21.1005"


def test_the_message_is_in_bahasa_indonesia_by_default_and_english_on_request(api, ana, places):
    data = body(mother=mother(village="Atlantis"))

    indonesian = (
        api(ana, language=None).post(URL, data, format="json").json()["mother"]["village"][0]
    )
    english = api(ana).post(URL, data, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert indonesian.startswith("Tidak ada desa di kabupaten ini bernama Atlantis")
    assert english["mother"]["village"][0].startswith("No village of the regency is called")
