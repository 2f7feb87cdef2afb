"""A corrected record is sent again as an update of what SATUSEHAT has, never as a
second resource; a correction that changes nothing SATUSEHAT holds makes no write."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from satusehat.models import OutboxRow, RowState
from tests.fakes.fake_satusehat import ihs_number
from tests.pregnancies.helpers import days_ago, detail, mother, outcome
from tests.satusehat.helpers import record_outcome, register, send, states, visit

pytestmark = pytest.mark.django_db


def writes(fake) -> list[tuple[str, str]]:
    return [(c["method"], c["resource_type"]) for c in fake.calls if c["method"] in {"POST", "PUT"}]


def test_a_corrected_lmp_updates_the_episode_and_the_gestational_ages_it_moves(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana, lmp=days_ago(70).isoformat())
    visit(api, ana, pregnancy, days_ago(3), weight_kg=60)
    send(satusehat)
    before = writes(satusehat)

    answer = api(ana).patch(detail(pregnancy), {"lmp": days_ago(84).isoformat()}, format="json")
    assert answer.status_code == 200, answer.content
    send(satusehat)

    again = writes(satusehat)[len(before) :]
    assert ("POST", "EpisodeOfCare") not in again and ("POST", "Observation") not in again
    assert again.count(("PUT", "EpisodeOfCare")) == 1
    # The gestational age (9 -> 11 weeks), the LMP and the EDD moved; weight and
    # gravida did not, so they are not written again.
    assert again.count(("PUT", "Observation")) == 3
    (episode,) = satusehat.resources("EpisodeOfCare")
    assert episode["period"]["start"] == days_ago(84).isoformat()
    assert set(states(pregnancy).values()) == {RowState.SENT}


def test_a_correction_satusehat_holds_nothing_of_writes_nothing(api, ana, satusehat, with_ids):
    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, systolic=118, diastolic=75)
    send(satusehat)
    before = len(writes(satusehat))

    answer = api(ana).patch(
        detail(pregnancy), {"mother": {"phone": "+6281299990000"}}, format="json"
    )
    assert answer.status_code == 200
    send(satusehat)

    assert len(writes(satusehat)) == before
    assert set(states(pregnancy).values()) == {RowState.SENT}


def test_a_corrected_outcome_updates_the_finished_episode(api, ana, satusehat, with_ids):
    pregnancy = register(api, ana, lmp=days_ago(200).isoformat())
    record_outcome(api, ana, pregnancy, date=days_ago(2).isoformat())
    send(satusehat)

    fixed = {"date": days_ago(1).isoformat()}
    assert api(ana).patch(outcome(pregnancy), fixed, format="json").status_code == 200
    send(satusehat)

    (episode,) = satusehat.resources("EpisodeOfCare")
    assert episode["period"]["end"] == days_ago(1).isoformat()
    assert satusehat.count("POST", "EpisodeOfCare") == 1
    assert satusehat.count("PUT", "EpisodeOfCare") == 1


def test_a_visit_entered_late_takes_k1_and_the_encounter_after_it_becomes_k2(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana, lmp=days_ago(150).isoformat())
    later = visit(api, ana, pregnancy, days_ago(10), weight_kg=60)
    send(satusehat)

    earlier = visit(api, ana, pregnancy, days_ago(30), weight_kg=59)
    send(satusehat)

    numbers = {
        e["identifier"][0]["value"]: e["identifier"][1]["value"]
        for e in satusehat.resources("Encounter")
    }
    assert numbers == {earlier: "K1A", later: "K2"}
    assert satusehat.count("POST", "Encounter") == 2
    assert satusehat.count("PUT", "Encounter") == 1


def test_a_corrected_nik_is_looked_up_again_and_her_resources_follow_her(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana, serial=41)
    visit(api, ana, pregnancy, weight_kg=61)
    send(satusehat)

    right = mother(serial=42)["nik"]
    answer = api(ana).patch(detail(pregnancy), {"mother": {"nik": right}}, format="json")
    assert answer.status_code == 200, answer.content
    send(satusehat)

    subject = {"reference": f"Patient/{ihs_number(right)}"}
    assert satusehat.resources("EpisodeOfCare")[0]["patient"] == subject
    assert {e["subject"]["reference"] for e in satusehat.resources("Encounter")} == {
        subject["reference"]
    }
    assert {o["subject"]["reference"] for o in satusehat.resources("Observation")} == {
        subject["reference"]
    }
    assert set(states(pregnancy).values()) == {RowState.SENT}


# The send runs in a thread of its own, on its own connection: the registration must
# be committed for it to see.
@pytest.mark.django_db(transaction=True)
def test_a_correction_made_while_its_resource_is_on_the_way_is_sent_after_it(
    api, ana, satusehat, with_ids
):
    pregnancy = register(api, ana, lmp=days_ago(70).isoformat())
    release = satusehat.hold("POST", "EpisodeOfCare")

    def run() -> None:
        try:
            send(satusehat)
        finally:
            connection.close()  # this thread's own

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert satusehat.held.wait(timeout=10), "the episode was never sent"
        # The midwife corrects the LMP while the platform has not answered yet.
        answer = api(ana).patch(detail(pregnancy), {"lmp": days_ago(77).isoformat()}, format="json")
        assert answer.status_code == 200
    finally:
        release.set()
        worker.join(timeout=30)

    # The answer to the first send did not mark the corrected row sent: the same run
    # took it again and sent the correction, as an update.
    assert OutboxRow.objects.get(key=f"episode:{pregnancy}").state == RowState.SENT
    (stored,) = satusehat.resources("EpisodeOfCare")
    assert stored["period"]["start"] == days_ago(77).isoformat()
    assert satusehat.count("POST", "EpisodeOfCare") == 1
    assert satusehat.count("PUT", "EpisodeOfCare") == 1
