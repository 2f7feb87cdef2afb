"""The claim lease: a dead worker's pushes come back within about a minute, a live
worker's slow batch is never taken over, and a kill repeats at most one small batch."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications import lease
from notifications.dispatch import CLAIM_LEASE, dispatch_due
from notifications.models import Alert, Delivery
from notifications.owed import record_owed_alerts
from notifications.push import PushOutcome, PushResult
from tests.notifications.helpers import device_for, make_pregnancy

TODAY = date(2026, 12, 1)


@pytest.fixture
def owed_alert(ana, citra, sumbersari):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7), risk_band="high")
    record_owed_alerts(today=TODAY)
    return Alert.objects.get()


def test_the_lease_is_about_a_minute_not_ten():
    assert CLAIM_LEASE <= timedelta(seconds=60)
    assert lease.HEARTBEAT * 3 <= CLAIM_LEASE


def test_a_dead_workers_claim_is_retried_once_its_minute_is_up(owed_alert, citra, recording):
    device_for(citra, "phone")
    dispatch_due(backend=recording)
    Delivery.objects.update(status="sending", claimed_at=timezone.now() - timedelta(seconds=50))
    Alert.objects.update(status="pending")

    report = dispatch_due(backend=recording)
    assert len(recording.sent) == 1  # 50 s old: still leased
    assert 5 <= report.next_retry_in <= 11  # the run knows when the lease ends

    Delivery.objects.update(claimed_at=timezone.now() - timedelta(seconds=61))
    dispatch_due(backend=recording)
    assert len(recording.sent) == 2


@pytest.mark.django_db(transaction=True)
def test_a_live_claim_is_renewed_while_its_batch_is_still_sending(
    ana, citra, sumbersari, monkeypatch
):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")
    monkeypatch.setattr(lease, "HEARTBEAT", timedelta(seconds=0.2))
    seen = []

    class Slow:
        name = "slow"

        def send(self, messages):
            first = Delivery.objects.get().claimed_at
            time.sleep(0.9)  # FCM slow to answer: several heartbeats pass
            seen.append((first, Delivery.objects.get().claimed_at))
            return [
                PushResult(message=m, outcome=PushOutcome.SENT, message_id="m") for m in messages
            ]

    # heartbeat() reads HEARTBEAT as its default at definition time: pass it explicitly.
    original = lease.heartbeat
    monkeypatch.setattr(
        "notifications.dispatch.heartbeat", lambda claim: original(claim, every=lease.HEARTBEAT)
    )

    dispatch_due(backend=Slow())

    ((first, later),) = seen
    assert later > first  # renewed while sending
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"  # and settled under the renewed claim


def test_a_claim_is_a_small_batch_so_a_kill_repeats_only_a_handful(
    ana, citra, sumbersari, recording, settings
):
    for n in range(40):
        make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7 + n % 3))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")
    sizes = []
    lock = threading.Lock()

    class Counting:
        name = "counting"

        def send(self, messages):
            with lock:
                sizes.append(len(messages))
            return recording.send(messages)

    dispatch_due(backend=Counting())

    assert sum(sizes) == 40
    assert max(sizes) <= settings.PUSH_BATCH_SIZE <= 8
