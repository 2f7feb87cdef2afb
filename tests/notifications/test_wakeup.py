"""While FCM asks us to wait, the dispatcher sleeps until the earliest retry: one
wake-up booked at a time, however many runs end, and never one for a row no run
would take."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications import tasks
from notifications.dispatch import dispatch_due
from notifications.models import Alert, Delivery, DispatchWakeup
from notifications.owed import record_owed_alerts
from notifications.push import PushOutcome
from notifications.settle import DispatchReport
from notifications.wakeup import COALESCE, wakeup_book
from tests.notifications.helpers import device_for, make_pregnancy

TODAY = date(2026, 12, 1)


@pytest.fixture
def queued(monkeypatch):
    """What the dispatch task would have put in the broker."""
    calls = []
    monkeypatch.setattr(tasks.dispatch_alerts, "apply_async", lambda **kw: calls.append(kw))
    monkeypatch.setattr(tasks.dispatch_alerts, "delay", lambda: calls.append("now"))
    return calls


@pytest.fixture
def waiting_for_fcm(ana, citra, sumbersari, recording, monkeypatch):
    """Dr. Citra's push was answered 429: it waits in the database."""
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY)
    dispatch_due(backend=recording)
    monkeypatch.setattr(tasks, "dispatch_due", lambda: dispatch_due(backend=recording))
    return Delivery.objects.get()


def test_runs_ending_while_fcm_asks_to_wait_queue_one_wake_up(waiting_for_fcm, queued):
    for _ in range(5):  # scans, retries, two workers: five runs end
        tasks.dispatch_alerts.run()

    assert len(queued) == 1
    (call,) = queued
    assert abs((call["eta"] - waiting_for_fcm.next_attempt_at).total_seconds()) < 1
    assert DispatchWakeup.objects.get().due_at == call["eta"]


def test_a_wake_up_lost_with_the_broker_does_not_block_the_next(waiting_for_fcm, queued):
    DispatchWakeup.objects.update_or_create(
        pk=1, defaults={"due_at": timezone.now() - timedelta(minutes=1)}
    )

    tasks.dispatch_alerts.run()

    assert len(queued) == 1


def test_an_earlier_retry_books_an_earlier_wake_up(db):
    now = timezone.now()
    assert wakeup_book(at=now + timedelta(seconds=60), now=now) is not None
    assert wakeup_book(at=now + timedelta(seconds=59), now=now) is None  # about then
    assert wakeup_book(at=now + timedelta(seconds=10), now=now) is not None
    assert wakeup_book(at=now + timedelta(seconds=30), now=now) is None


def test_a_wake_up_is_never_sooner_than_the_coalescing_gap(db):
    now = timezone.now()
    assert wakeup_book(at=now, now=now) == now + COALESCE


def test_a_retry_nobody_would_claim_wakes_nobody(waiting_for_fcm, recording, queued):
    # The alert was cancelled (an outcome): its retry row is never claimed again.
    Alert.objects.update(status="cancelled")
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=5))

    report = dispatch_due(backend=recording)
    tasks.dispatch_alerts.run()

    assert report.next_retry_in is None
    assert queued == []


def test_after_fcm_refuses_our_credentials_one_wake_up_waits_out_the_pause(
    ana, citra, sumbersari, queued, monkeypatch
):
    from notifications.push import CredentialError
    from notifications.settle import CREDENTIAL_PAUSE

    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")

    class Refused:
        name = "fcm"

        def send(self, messages):
            raise CredentialError("invalid_grant")

    monkeypatch.setattr(tasks, "dispatch_due", lambda: dispatch_due(backend=Refused()))
    tasks.dispatch_alerts.run()
    tasks.dispatch_alerts.run()

    (call,) = queued
    wait = (call["eta"] - timezone.now()).total_seconds()
    assert CREDENTIAL_PAUSE.total_seconds() - 5 <= wait <= CREDENTIAL_PAUSE.total_seconds()


def test_a_wake_up_replaced_by_an_earlier_booking_runs_nothing(waiting_for_fcm, queued):
    tasks.dispatch_alerts.run()
    (first,) = queued
    assert first["kwargs"] == {"booked_for": first["eta"].isoformat()}
    # An earlier retry moved the booking: the first message still waits in the broker.
    now = timezone.now()
    earlier = wakeup_book(at=now + timedelta(seconds=3), now=now)
    assert earlier is not None and earlier < first["eta"]
    runs = []

    def dispatch_due_counted():
        runs.append(1)
        return DispatchReport()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tasks, "dispatch_due", dispatch_due_counted)
        tasks.dispatch_alerts.run(**first["kwargs"])  # the replaced one fires: nothing
        assert runs == []
        tasks.dispatch_alerts.run(booked_for=earlier.isoformat())  # the booking that holds
    assert len(runs) == 1
