"""When SATUSEHAT says no: a 400 marks one row and the rest go on, a 429 waits, refused
credentials pause everything (the admin told once) and resume, an unknown NIK waits
and is asked again daily, a 500 is tried again later. Nothing is lost."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from satusehat.models import OutboxRow, RowState, SendPause, WaitingFor
from tests.fakes.fake_satusehat import (
    refused,
    server_error,
    too_many_requests,
)
from tests.pregnancies.helpers import mother
from tests.satusehat.helpers import register, rows, send, states, visit

pytestmark = pytest.mark.django_db


def two_pregnancies(api, ana, bayu) -> tuple[str, str]:
    first = register(api, ana, serial=21)
    visit(api, ana, first, systolic=110, diastolic=70)
    second = register(api, bayu, serial=22)
    visit(api, bayu, second, systolic=112, diastolic=72)
    return first, second


def test_a_400_fails_that_row_with_the_platforms_words_and_the_other_pregnancy_goes_on(
    api, ana, bayu, satusehat, with_ids
):
    first, second = two_pregnancies(api, ana, bayu)
    satusehat.script("POST", "Encounter", refused("Location.id tidak ditemukan"))

    send(satusehat)

    mine = rows(first)
    encounter = next(r for r in mine.values() if r.resource_type == "Encounter")
    assert encounter.state == RowState.FAILED
    assert "Location.id tidak ditemukan" in encounter.last_error
    assert "HTTP 400" in encounter.last_error
    # What hangs off it waits; what it hangs off was sent.
    dependents = [r for r in mine.values() if r.depends_on_id == encounter.pk]
    assert dependents and {(r.state, r.waiting_for) for r in dependents} == {
        (RowState.WAITING, WaitingFor.PARENT)
    }
    assert mine[f"episode:{first}"].state == RowState.SENT
    assert set(states(second).values()) == {RowState.SENT}
    # Not tried again by itself: the platform would refuse it again unchanged.
    calls = len(satusehat.calls)
    send(satusehat)
    assert len(satusehat.calls) == calls


def test_a_429_waits_for_its_retry_after_then_sending_goes_on(
    api, ana, bayu, satusehat, with_ids, frozen_day
):
    first, second = two_pregnancies(api, ana, bayu)
    satusehat.script("POST", "EpisodeOfCare", too_many_requests(120))

    report = send(satusehat)

    assert report.stopped == "rate_limited"
    episode = rows(first)[f"episode:{first}"]
    assert (episode.state, episode.waiting_for) == (RowState.WAITING, WaitingFor.RATE_LIMITED)
    assert SendPause.objects.get().reason == "rate_limited"
    calls = len(satusehat.calls)
    send(satusehat)
    assert len(satusehat.calls) == calls, "sent during the pause"

    frozen_day.shift(timedelta(seconds=121))
    send(satusehat)

    assert set(states(first).values()) == set(states(second).values()) == {RowState.SENT}
    assert not SendPause.objects.exists()


def test_refused_credentials_pause_everything_tell_the_admin_once_and_resume(
    api, ana, bayu, satusehat, with_ids, frozen_day, caplog, settings
):
    first, second = two_pregnancies(api, ana, bayu)
    satusehat.reject_credentials()
    caplog.set_level(logging.INFO, logger="satusehat")

    report = send(satusehat)

    assert report.stopped == "credentials"
    every = OutboxRow.objects.all()
    assert {(r.state, r.waiting_for) for r in every} <= {
        (RowState.WAITING, WaitingFor.CREDENTIALS),
        (RowState.WAITING, WaitingFor.PARENT),
    }
    assert every.filter(waiting_for=WaitingFor.CREDENTIALS).count() >= 2
    # Still refused after the pause: asked again, not told again.
    frozen_day.shift(timedelta(seconds=settings.SATUSEHAT_CREDENTIAL_PAUSE_SECONDS + 1))
    send(satusehat)
    assert SendPause.objects.get().reason == "credentials"
    told = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(told) == 1 and "credentials" in told[0].getMessage()
    assert satusehat.count("POST", "EpisodeOfCare") == 0

    satusehat.heal()
    frozen_day.shift(timedelta(seconds=settings.SATUSEHAT_CREDENTIAL_PAUSE_SECONDS + 1))
    send(satusehat)

    assert set(states(first).values()) == set(states(second).values()) == {RowState.SENT}
    assert not SendPause.objects.exists()


def test_a_nik_the_national_index_does_not_know_waits_and_is_asked_again_a_day_later(
    api, ana, satusehat, with_ids, frozen_day
):
    nik = mother(serial=31)["nik"]
    satusehat.unknown_niks.add(nik)
    pregnancy = register(api, ana, serial=31)
    visit(api, ana, pregnancy, weight_kg=55)

    send(satusehat)

    patient = rows(pregnancy)[f"patient:{pregnancy}"]
    assert (patient.state, patient.waiting_for) == (RowState.WAITING, WaitingFor.PATIENT_UNKNOWN)
    assert RowState.FAILED not in states(pregnancy).values()
    frozen_day.shift(timedelta(hours=23))
    send(satusehat)
    assert satusehat.count("GET", "Patient") == 1

    satusehat.unknown_niks.clear()  # registered at the civil registry meanwhile
    frozen_day.shift(timedelta(hours=1, seconds=1))
    send(satusehat)

    assert satusehat.count("GET", "Patient") == 2
    assert set(states(pregnancy).values()) == {RowState.SENT}


def test_a_500_is_tried_again_later_not_at_once_and_then_sent(
    api, ana, satusehat, with_ids, frozen_day
):
    pregnancy = register(api, ana)
    satusehat.fail_all(server_error(503))

    report = send(satusehat)

    assert report.stopped == "unavailable"
    patient = rows(pregnancy)[f"patient:{pregnancy}"]
    assert (patient.state, patient.attempts) == (RowState.PENDING, 1)
    assert "503" in patient.last_error
    assert patient.next_attempt_at >= patient.updated_at + timedelta(minutes=1)
    # The client tried three times within the call, then left it to the outbox.
    assert satusehat.count("GET", "Patient") == 3

    satusehat.heal()
    frozen_day.shift(timedelta(minutes=2))
    send(satusehat)

    assert set(states(pregnancy).values()) == {RowState.SENT}
