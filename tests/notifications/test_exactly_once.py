"""Two scans at once, a scan repeated, a dispatch that dies half-way: every
(pregnancy, milestone, device) is pushed once (docs/alerts.md, "Why it is built this way")."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.dispatch import dispatch_due
from notifications.models import Alert, Delivery
from notifications.services import scan
from tests.notifications.helpers import device_for, make_pregnancy, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def many_owed(ana, citra, dodi, sumbersari, patrang, bayu):
    """Twelve mothers due soon at two puskesmas; each doctor has two phones."""
    today = timezone.localdate()
    for days in range(0, 24, 2):
        make_pregnancy(
            facility=sumbersari, by=ana, edd=today + timedelta(days=days), risk_band="high"
        )
    for days in range(1, 20, 3):
        make_pregnancy(facility=patrang, by=bayu, edd=today + timedelta(days=days))
    for user in (citra, dodi):
        device_for(user, f"{user.username}-phone")
        device_for(user, f"{user.username}-tablet")


def pushes_per_alert_and_device(fake_fcm) -> Counter:
    return Counter(
        (r["message"]["data"]["alert_id"], r["message"]["token"]) for r in fake_fcm.requests
    )


def scan_and_dispatch():
    scan(today=timezone.localdate(), now=timezone.now())
    dispatch_due(batch_size=3)


def test_two_scans_and_dispatches_at_once_push_each_alert_to_each_device_once(
    many_owed, fake_fcm, fcm_backend
):
    assert run_at_once(3, scan_and_dispatch) == []

    pushes = pushes_per_alert_and_device(fake_fcm)
    alerts = Alert.objects.count()
    assert alerts == 12 + 7
    assert len(pushes) == alerts * 2
    assert set(pushes.values()) == {1}
    assert Delivery.objects.filter(status="sent").count() == alerts * 2


def test_a_repeated_scan_pushes_nothing_new(many_owed, fake_fcm, fcm_backend):
    scan_and_dispatch()
    first = len(fake_fcm.requests)

    scan_and_dispatch()
    scan_and_dispatch()

    assert len(fake_fcm.requests) == first
    assert set(pushes_per_alert_and_device(fake_fcm).values()) == {1}


def test_a_dispatch_that_fails_half_way_and_is_retried_pushes_each_once(
    many_owed, fake_fcm, fcm_backend
):
    class DiesOnSecondBatch:
        """The second batch's send raises; with two lanes the first may be in flight
        meanwhile, and is settled as sent."""

        name = "fcm"
        calls = 0
        sent = 0
        lock = threading.Lock()

        def send(self, messages):
            with self.lock:
                self.calls += 1
                if self.calls == 2:
                    raise ConnectionError("worker lost its network half-way")
            results = fcm_backend.send(messages)
            with self.lock:
                self.sent += len(messages)
            return results

    scan(today=timezone.localdate(), now=timezone.now())
    dies = DiesOnSecondBatch()
    with pytest.raises(ConnectionError):
        dispatch_due(backend=dies, batch_size=5)
    sent_before_failure = len(fake_fcm.requests)
    assert 0 < sent_before_failure == dies.sent
    # The failure stopped the run: the other lane sends the claim it already held (one
    # batch, or two on a machine so busy that the failing thread waits to be scheduled),
    # not the rest. Without the stop it would send all but the failed batch (35 of 38).
    assert sent_before_failure < Delivery.objects.count() // 2
    assert Delivery.objects.filter(status="sent").count() == sent_before_failure
    assert not Delivery.objects.filter(status="sending").exists()  # the failed batch is given back

    # What Celery's autoretry does next: the same task again, once its delay has passed.
    Delivery.objects.filter(status="retry").update(next_attempt_at=timezone.now())
    dispatch_due(batch_size=5)

    pushes = pushes_per_alert_and_device(fake_fcm)
    assert len(pushes) == Alert.objects.count() * 2
    assert set(pushes.values()) == {1}
