"""Every resource the service builds, for a data set with every kind of visit, is valid
FHIR R4 (fhir.resources' R4B models, here in the test) and has the shape of the national
ANC guide's examples: its identifier systems, code systems, codes and units."""

from __future__ import annotations

from datetime import date

import pytest
from fhir.resources.R4B import get_fhir_model_class

from satusehat import resources
from satusehat.codes import GESTATIONAL_AGE, OBSTETRIC_OBSERVATIONS, VISIT_OBSERVATIONS
from tests.pregnancies.helpers import days_ago
from tests.satusehat.conftest import PATRANG_ORG, SUMBERSARI_ORG
from tests.satusehat.helpers import record_outcome, register, send, visit

pytestmark = pytest.mark.django_db

# The national guide's systems (SATUSEHAT Indonesian MCH IG, "Antenatal Care (ANC)",
# and its example resources), written out here, not read from the code under test.
EPISODE_TYPE = ("http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type", "ANC")
ANC_VISIT = "http://terminology.kemkes.go.id/CodeSystem/episodeofcare/ANC"
ACT_CODE = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB")
ATTENDER = ("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "ATND")
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC, UCUM, ICD10 = (
    "http://loinc.org",
    "http://unitsofmeasure.org",
    "http://hl7.org/fhir/sid/icd-10",
)
WHO_DAK = "http://fhir.org/guides/who/anc-cds/CodeSystem/anc-custom-codes"
KEMKES = "http://terminology.kemkes.go.id/CodeSystem/anc-custom-codes"
# LOINC -> (category, second coding or None, UCUM unit or value kind), after the guide.
OBSERVATIONS = {
    "8480-6": ("vital-signs", (WHO_DAK, "ANC.B8.DE17"), "mm[Hg]"),
    "8462-4": ("vital-signs", (WHO_DAK, "ANC.B8.DE19"), "mm[Hg]"),
    "29463-7": ("vital-signs", (WHO_DAK, "ANC.B8.DE3"), "kg"),
    "718-7": ("laboratory", None, "g/dL"),
    "56072-2": ("exam", (KEMKES, "ANC.SS.DE3"), "cm"),
    "11881-0": ("exam", (WHO_DAK, "ANC.B8.DE105"), "cm"),
    "55283-6": ("exam", (WHO_DAK, "ANC.B8.DE107"), "/min"),
    "18185-9": ("survey", (WHO_DAK, "ANC.B6.DE17"), "wk"),
    "11996-6": ("survey", (WHO_DAK, "ANC.B6.DE24"), "integer"),
    "11977-6": ("survey", (WHO_DAK, "ANC.B6.DE32"), "integer"),
    "69043-8": ("survey", (WHO_DAK, "ANC.B6.DE25"), "integer"),
    "8665-2": ("survey", (WHO_DAK, "ANC.B6.DE14"), "date"),
    "11778-8": ("survey", (WHO_DAK, "ANC.B6.DE22"), "date"),
}
CONDITIONS = {"O14.1", "O46.9", "O99.0", "O13"}
R4_STATUS = {
    "EpisodeOfCare": {"planned", "waitlist", "active", "onhold", "finished", "cancelled"},
    "Encounter": {"planned", "arrived", "triaged", "in-progress", "onleave", "finished"},
    "Observation": {"registered", "preliminary", "final", "amended", "entered-in-error"},
}
EVERY_MEASUREMENT = {
    "systolic": 118,
    "diastolic": 76,
    "weight_kg": 58.5,
    "hemoglobin": 11.8,
    "muac_cm": 24.5,
    "fundal_height_cm": 22,
    "fetal_heart_rate": 140,
}
EVERY_FINDING = {
    "systolic": 165,
    "diastolic": 112,
    "hemoglobin": 9.1,
    "danger_signs": ["convulsions", "vaginal_bleeding", "swelling_face_hands"],
}


@pytest.fixture
def sent(api, ana, bayu, satusehat, with_ids) -> dict[str, list[dict]]:
    """K1M to K7 at Sumbersari (one visit with every measurement, one with every
    finding), a K1A at Patrang, an outcome; everything sent to the fake."""
    early = register(api, ana, serial=51, lmp=days_ago(200).isoformat())
    for n in range(7):
        extra = EVERY_MEASUREMENT if n == 0 else EVERY_FINDING if n == 1 else {"weight_kg": 60}
        visit(api, ana, early, days_ago(190 - 25 * n), **extra)
    late = register(api, bayu, serial=52, lmp=days_ago(150).isoformat())
    visit(api, bayu, late, days_ago(1), weight_kg=64)
    record_outcome(api, bayu, late, kind="stillbirth")
    send(satusehat)
    return {
        kind: satusehat.resources(kind)
        for kind in ("EpisodeOfCare", "Encounter", "Observation", "Condition")
    }


def test_every_resource_is_valid_fhir_r4(sent):
    for kind, made in sent.items():
        model = get_fhir_model_class(kind)
        for resource in made:
            model.model_validate(resource)  # raises on anything R4 does not allow
            if kind in R4_STATUS:
                assert resource["status"] in R4_STATUS[kind]
    assert [len(sent[k]) for k in ("EpisodeOfCare", "Encounter", "Condition")] == [2, 8, 4]


def test_episodes_have_the_guides_type_identifier_and_period(sent):
    by_org = {e["managingOrganization"]["reference"]: e for e in sent["EpisodeOfCare"]}
    for org, episode in ((SUMBERSARI_ORG, "active"), (PATRANG_ORG, "finished")):
        made = by_org[f"Organization/{org}"]
        assert made["status"] == episode
        (identifier,) = made["identifier"]
        assert identifier["system"] == f"http://sys-ids.kemkes.go.id/episode-of-care/{org}"
        coding = made["type"][0]["coding"][0]
        assert (coding["system"], coding["code"]) == EPISODE_TYPE
        assert made["patient"]["reference"].startswith("Patient/P")
    assert by_org[f"Organization/{SUMBERSARI_ORG}"]["period"] == {
        "start": days_ago(200).isoformat()
    }
    assert by_org[f"Organization/{PATRANG_ORG}"]["period"] == {
        "start": days_ago(150).isoformat(),
        "end": days_ago(0).isoformat(),
    }


def test_encounters_have_the_guides_identifiers_class_participant_and_references(sent):
    numbers = []
    for encounter in sent["Encounter"]:
        org = encounter["serviceProvider"]["reference"].split("/")[1]
        local, *anc = encounter["identifier"]
        assert local["system"] == f"http://sys-ids.kemkes.go.id/encounter/{org}"
        assert all(i["system"] == ANC_VISIT for i in anc)
        numbers += [i["value"] for i in anc]
        assert (encounter["class"]["system"], encounter["class"]["code"]) == ACT_CODE
        participant = encounter["participant"][0]
        coding = participant["type"][0]["coding"][0]
        assert (coding["system"], coding["code"]) == ATTENDER
        assert participant["individual"]["reference"].startswith("Practitioner/N")
        assert isinstance(encounter["episodeOfCare"], list)
        assert encounter["location"][0]["location"]["reference"].startswith("Location/loc-")
    assert sorted(numbers) == ["K1A", "K1M", "K2", "K3", "K4", "K5", "K6"]


def test_observations_have_the_guides_loinc_element_category_and_ucum_unit(sent):
    seen = set()
    for observation in sent["Observation"]:
        org = observation["identifier"][0]["system"].rsplit("/", 1)[1]
        assert observation["identifier"][0]["system"] == (
            f"http://sys-ids.kemkes.go.id/observation/{org}"
        )
        loinc, *element = observation["code"]["coding"]
        assert loinc["system"] == LOINC
        category, second, unit = OBSERVATIONS[loinc["code"]]
        seen.add(loinc["code"])
        assert observation["category"][0]["coding"][0]["system"] == CATEGORY
        assert observation["category"][0]["coding"][0]["code"] == category
        assert [(c["system"], c["code"]) for c in element] == ([second] if second else [])
        if unit == "integer":
            assert isinstance(observation["valueInteger"], int)
        elif unit == "date":
            date.fromisoformat(observation["valueDateTime"])
        else:
            quantity = observation["valueQuantity"]
            assert (quantity["system"], quantity["code"]) == (UCUM, unit)
        assert observation["encounter"]["reference"].startswith("Encounter/")
    assert seen == set(OBSERVATIONS)


def test_conditions_are_the_visits_findings_as_icd10(sent):
    codes = set()
    for condition in sent["Condition"]:
        (coding,) = condition["code"]["coding"]
        assert coding["system"] == ICD10
        codes.add(coding["code"])
        org = condition["identifier"][0]["system"].rsplit("/", 1)[1]
        assert condition["identifier"][0]["system"] == (
            f"http://sys-ids.kemkes.go.id/condition/{org}"
        )
        assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    assert codes == CONDITIONS


def test_the_code_tables_cover_the_guides_observations_and_nothing_else():
    tables = [*VISIT_OBSERVATIONS.values(), GESTATIONAL_AGE, *OBSTETRIC_OBSERVATIONS.values()]
    assert {c.loinc for c in tables} == set(OBSERVATIONS)


def test_a_value_corrected_away_withdraws_the_observation():
    made = resources.observation(
        code=OBSTETRIC_OBSERVATIONS["lmp"],
        local="x-lmp",
        organization_id="1",
        patient_id="P1",
        encounter_id="e",
        practitioner_id="",
        on=date(2026, 3, 1),
        value=None,
    )

    assert made["status"] == "entered-in-error" and "valueDateTime" not in made
    get_fhir_model_class("Observation").model_validate(made)
