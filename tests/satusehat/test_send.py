"""Sending the outbox to the fake SATUSEHAT: the order, the resources as they arrive,
sent once, and the pregnancy's path from registration to outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from satusehat.models import OutboxRow, RowState
from tests.fakes.fake_satusehat import NIK_SYSTEM, ihs_number
from tests.pregnancies.helpers import days_ago, mother
from tests.satusehat.conftest import SUMBERSARI_ORG
from tests.satusehat.helpers import record_outcome, register, rows, send, states, visit

pytestmark = pytest.mark.django_db

FULL_VISIT = {
    "systolic": 118,
    "diastolic": 76,
    "weight_kg": 58.5,
    "hemoglobin": 11.8,
    "muac_cm": 25.0,
    "fundal_height_cm": 9,
    "fetal_heart_rate": 142,
}


def writes(fake) -> list[tuple[str, str]]:
    """(method, resource type) of every call but the searches, in order."""
    return [
        (c["method"], c["resource_type"])
        for c in fake.calls
        if c["method"] != "GET" or c["resource_type"] == "Patient"
    ]


def test_a_pregnancy_visited_twice_arrives_patient_first_then_episode_encounters_findings(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana)  # LMP 70 days ago
    first = visit(api, ana, pregnancy, days_ago(20), **FULL_VISIT)
    second = visit(api, ana, pregnancy, days_ago(0), systolic=120, diastolic=80)

    report = send(satusehat)

    assert set(states(pregnancy).values()) == {RowState.SENT}, states(pregnancy)
    order = writes(satusehat)
    assert order[0] == ("GET", "Patient")
    assert order[1] == ("POST", "EpisodeOfCare")
    assert order[2:4] == [("POST", "Encounter"), ("POST", "Encounter")]
    assert {t for _m, t in order[4:]} == {"Observation"}
    assert report.counts == {"sent": len(rows(pregnancy))}
    # The patient lookup asks by NIK, in the national identifier system.
    (lookup,) = [c for c in satusehat.calls if c["resource_type"] == "Patient"]
    assert lookup["query"]["identifier"] == f"{NIK_SYSTEM}|{mother()['nik']}"

    (episode,) = satusehat.resources("EpisodeOfCare")
    assert episode["status"] == "active"
    assert episode["period"] == {"start": days_ago(70).isoformat()}
    assert episode["patient"] == {"reference": f"Patient/{ihs_number(mother()['nik'])}"}
    encounters = {e["identifier"][0]["value"]: e for e in satusehat.resources("Encounter")}
    assert encounters[first]["identifier"][1]["value"] == "K1M"  # 7 weeks: trimester 1
    assert encounters[second]["identifier"][1]["value"] == "K2"
    for encounter in encounters.values():
        assert encounter["episodeOfCare"] == [{"reference": f"EpisodeOfCare/{episode['id']}"}]
        assert encounter["serviceProvider"] == {"reference": f"Organization/{SUMBERSARI_ORG}"}
        assert encounter["participant"][0]["individual"] == {"reference": "Practitioner/N10000001"}
    observations = satusehat.resources("Observation")
    loinc = {o["code"]["coding"][0]["code"] for o in observations}
    # The first visit's seven findings and gestational age, the second's two and its
    # gestational age, and the obstetric status with the first encounter.
    assert len(observations) == 8 + 3 + 5
    assert {"8480-6", "8462-4", "29463-7", "718-7", "56072-2", "11881-0", "55283-6"} <= loinc
    assert {"18185-9", "11996-6", "11977-6", "69043-8", "8665-2", "11778-8"} <= loinc
    for observation in observations:
        assert observation["encounter"]["reference"].split("/")[1] in {
            e["id"] for e in encounters.values()
        }


def test_a_row_is_sent_once_and_a_run_with_nothing_due_calls_nobody(api, ana, satusehat, with_ids):
    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, systolic=110)
    send(satusehat)
    calls = len(satusehat.calls)

    report = send(satusehat)

    assert report.counts == {}
    assert len(satusehat.calls) == calls


def test_a_send_repeated_after_a_crash_finds_the_first_copy_instead_of_making_a_second(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, weight_kg=60)
    send(satusehat)
    encounter = OutboxRow.objects.get(resource_type="Encounter")
    made = encounter.satusehat_id
    # The worker that created it died before writing the id down.
    OutboxRow.objects.filter(pk=encounter.pk).update(
        state=RowState.PENDING, satusehat_id="", sent_digest=""
    )

    send(satusehat)

    assert satusehat.count("POST", "Encounter") == 1
    assert len(satusehat.resources("Encounter")) == 1
    encounter.refresh_from_db()
    assert (encounter.state, encounter.satusehat_id) == (RowState.SENT, made)


def test_the_outcome_finishes_the_episode_on_its_date(api, ana, satusehat, with_ids):
    pregnancy = register(api, ana, lmp=days_ago(200).isoformat())
    visit(api, ana, pregnancy, days_ago(1), systolic=110)
    send(satusehat)

    record_outcome(api, ana, pregnancy, kind="live_birth", date=days_ago(0).isoformat())
    send(satusehat)

    (episode,) = satusehat.resources("EpisodeOfCare")
    assert episode["status"] == "finished"
    assert episode["period"] == {"start": days_ago(200).isoformat(), "end": days_ago(0).isoformat()}
    assert [h["status"] for h in episode["statusHistory"]] == ["active", "finished"]
    assert satusehat.count("POST", "EpisodeOfCare") == 1
    assert satusehat.count("PUT", "EpisodeOfCare") == 1


def test_a_mother_lost_to_follow_up_has_her_episode_closed_at_44_weeks(
    api, ana, satusehat, with_ids, frozen_day
):
    lmp = days_ago(250)
    pregnancy = register(api, ana, lmp=lmp.isoformat())
    send(satusehat)
    assert satusehat.resources("EpisodeOfCare")[0]["status"] == "active"

    frozen_day.shift(timedelta(days=308 - 250 - 1))
    send(satusehat)
    assert satusehat.count("PUT", "EpisodeOfCare") == 0  # not yet: 43 weeks 6 days

    frozen_day.shift(timedelta(days=1))
    send(satusehat)

    (episode,) = satusehat.resources("EpisodeOfCare")
    assert episode["status"] == "finished"
    assert episode["period"]["end"] == (lmp + timedelta(days=308)).isoformat()
    assert states(pregnancy) == {f"patient:{pregnancy}": "sent", f"episode:{pregnancy}": "sent"}


def test_a_first_visit_after_trimester_1_is_k1_access_and_visits_past_k6_carry_no_number(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana, lmp=days_ago(200).isoformat())
    made = [visit(api, ana, pregnancy, days_ago(7 - n), weight_kg=60 + n) for n in range(7)]

    send(satusehat)

    numbers = {
        e["identifier"][0]["value"]: [i["value"] for i in e["identifier"][1:]]
        for e in satusehat.resources("Encounter")
    }
    assert [numbers[v] for v in made] == [["K1A"], ["K2"], ["K3"], ["K4"], ["K5"], ["K6"], []]
