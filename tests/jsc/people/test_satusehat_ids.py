"""An admin gives facilities and staff their SATUSEHAT ids (PATCH, checked, in the
admins' trail); the SATUSEHAT outbox waits for them (tests/satusehat)."""

from __future__ import annotations

import pytest

from jsc.people.models import AdminChange

pytestmark = pytest.mark.django_db

IDS = {"satusehat_organization_id": "10000004", "satusehat_location_id": "c87e0ca7-badc-4c60"}


def test_an_admin_sets_a_facilitys_organization_and_location_ids(api, adi, sumbersari):
    answer = api(adi).patch(f"/api/v1/facilities/{sumbersari.id}/", IDS, format="json")

    assert answer.status_code == 200, answer.content
    assert {k: answer.json()[k] for k in IDS} == IDS
    sumbersari.refresh_from_db()
    assert sumbersari.satusehat_organization_id == "10000004"
    change = AdminChange.objects.get(object_id=sumbersari.id)
    assert change.changes == {
        "satusehat_organization_id": ["", "10000004"],
        "satusehat_location_id": ["", "c87e0ca7-badc-4c60"],
    }


def test_an_organization_id_that_is_not_digits_is_refused_naming_it(api, adi, sumbersari):
    url = f"/api/v1/facilities/{sumbersari.id}/"

    english = api(adi).patch(url, {"satusehat_organization_id": "PKM-12"}, format="json")
    indonesian = api(adi, language=None).patch(url, {"satusehat_location_id": "a b"}, format="json")

    assert english.status_code == indonesian.status_code == 400
    assert "digits only" in english.json()["satusehat_organization_id"][0]
    assert "satusehat_location_id" in indonesian.json()
    assert "FHIR id" in indonesian.json()["satusehat_location_id"][0]  # the term stays
    assert "Letters" not in indonesian.json()["satusehat_location_id"][0]
    sumbersari.refresh_from_db()
    assert sumbersari.satusehat_organization_id == ""


def test_an_admin_sets_and_clears_a_midwifes_practitioner_id(api, adi, ana):
    url = f"/api/v1/users/{ana.id}/"

    set_ = api(adi).patch(url, {"satusehat_practitioner_id": " N10000001 "}, format="json")
    assert set_.status_code == 200
    assert set_.json()["satusehat_practitioner_id"] == "N10000001"
    cleared = api(adi).patch(url, {"satusehat_practitioner_id": ""}, format="json")
    assert cleared.status_code == 200

    ana.refresh_from_db()
    assert ana.satusehat_practitioner_id == ""
    assert (
        api(adi).patch(url, {"satusehat_practitioner_id": "N/1"}, format="json").status_code == 400
    )


def test_a_midwife_may_not_set_ids(api, ana, sumbersari):
    answer = api(ana).patch(f"/api/v1/facilities/{sumbersari.id}/", IDS, format="json")

    assert answer.status_code == 403
