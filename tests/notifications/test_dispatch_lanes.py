"""A dispatch run's lanes (notifications/dispatch.py): they overlap one another's
bookkeeping, yet the run never holds more than one batch claimed, two runs never push
a delivery twice, and a failure in one lane stops the run with every row accounted for."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from notifications import dispatch, settle
from notifications.dispatch import dispatch_due
from notifications.models import Alert, Delivery
from notifications.owed import record_owed_alerts
from notifications.push import CredentialError, PushOutcome, PushResult
from tests.notifications.helpers import device_for, make_pregnancy, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 12, 1)


@pytest.fixture
def forty_owed(ana, citra, sumbersari):
    """Forty alerts owed to dr. Citra, one phone: forty deliveries due."""
    for n in range(40):
        make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7 + n % 3))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")


class Watching:
    """Answers `sent` after a short wait, and notes how many sends overlapped and how
    many deliveries were claimed (``sending``) whenever one started."""

    name = "watching"

    def __init__(self, wait: float = 0.02) -> None:
        self.wait = wait
        self.pushed: Counter = Counter()
        self.in_flight = 0
        self.most_in_flight = 0
        self.most_claimed = 0
        self.lock = threading.Lock()

    def send(self, messages):
        claimed = Delivery.objects.filter(status="sending").count()
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.most_claimed = max(self.most_claimed, claimed)
            for m in messages:
                self.pushed[m.data["alert_id"]] += 1
        time.sleep(self.wait)
        with self.lock:
            self.in_flight -= 1
        return [PushResult(message=m, outcome=PushOutcome.SENT, message_id="m") for m in messages]


def test_the_lanes_send_at_once_but_hold_no_more_than_one_batch(forty_owed, settings):
    backend = Watching()

    report = dispatch_due(backend=backend)

    assert report.counts == {"sent": 40}
    assert backend.most_in_flight == 2  # one lane's pushes in flight during the other's settle
    assert backend.most_claimed <= settings.PUSH_BATCH_SIZE  # the bound on repeats
    assert set(backend.pushed.values()) == {1}
    assert Alert.objects.filter(status="sent").count() == 40


def test_three_runs_at_once_push_each_delivery_once(forty_owed):
    backend = Watching(wait=0.005)

    assert run_at_once(3, lambda: dispatch_due(backend=backend, batch_size=4)) == []

    assert len(backend.pushed) == 40
    assert set(backend.pushed.values()) == {1}
    assert Delivery.objects.filter(status="sent").count() == 40


def test_max_batches_counts_batches_of_the_batch_size(forty_owed):
    backend = Watching(wait=0)

    report = dispatch_due(backend=backend, batch_size=8, max_batches=2)

    assert report.more
    assert sum(backend.pushed.values()) == 16
    assert not dispatch_due(backend=backend).more
    assert sum(backend.pushed.values()) == 40


def test_a_send_that_raises_stops_every_lane_and_gives_its_batch_back(forty_owed):
    class FailsOnce(Watching):
        calls = 0

        def send(self, messages):
            with self.lock:
                self.calls += 1
                fail = self.calls == 3
            if fail:
                raise ConnectionError("network gone")
            return super().send(messages)

    backend = FailsOnce()
    with pytest.raises(ConnectionError):
        dispatch_due(backend=backend)

    assert not Delivery.objects.filter(status="sending").exists()
    assert Delivery.objects.filter(status="sent").count() == sum(backend.pushed.values())
    given_back = Delivery.objects.filter(status="retry")
    assert given_back.count() == 4  # the failed lane's claim, its attempt not counted
    assert set(given_back.values_list("attempts", flat=True)) == {0}


def test_a_settle_that_fails_leaves_its_batch_to_the_lease_and_loses_nothing(
    forty_owed, monkeypatch
):
    backend = Watching()
    real = settle.settle_and_claim
    failed: list[list[int]] = []

    def fails_once(settled, *args, **kwargs):
        if settled and not failed:
            failed.append([d.id for d in settled])
            raise RuntimeError("database connection lost")
        return real(settled, *args, **kwargs)

    monkeypatch.setattr(settle, "settle_and_claim", fails_once)
    with pytest.raises(RuntimeError):
        dispatch_due(backend=backend)

    # The failed batch was pushed, but nobody knows it: it stays claimed until the
    # lease runs out. The other lane settled what it held and stopped.
    (held,) = failed
    assert sorted(Delivery.objects.filter(status="sending").values_list("id", flat=True)) == (
        sorted(held)
    )
    Delivery.objects.filter(status="sending").update(
        claimed_at=timezone.now() - dispatch.CLAIM_LEASE - timedelta(seconds=1)
    )
    dispatch_due(backend=backend)

    assert Delivery.objects.filter(status="sent").count() == 40
    repeated = {alert for alert, n in backend.pushed.items() if n > 1}
    assert len(repeated) <= len(held)  # at most the one batch, collapsing on the phone


def test_a_settle_whose_connection_is_dropped_settles_again_and_repeats_nothing(
    forty_owed, monkeypatch
):
    # What a network blip, a failover or `pg_terminate_backend` does: the connection a
    # lane settles on dies under it, once, after FCM accepted the batch.
    backend = Watching()
    real = settle.settle_and_claim
    dropped: list[int] = []

    def dropped_once(settled, *args, **kwargs):
        if settled and not dropped:
            connection.ensure_connection()
            dropped.append(connection.connection.info.backend_pid)
            with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [dropped[0]])
        return real(settled, *args, **kwargs)

    monkeypatch.setattr(settle, "settle_and_claim", dropped_once)
    report = dispatch_due(backend=backend)

    assert dropped, "no connection was dropped"
    assert report.counts == {"sent": 40}
    assert not Delivery.objects.filter(status="sending").exists()
    assert Delivery.objects.filter(status="sent").count() == 40
    assert max(backend.pushed.values()) == 1  # the dropped batch was not sent again


def test_credentials_refused_in_one_lane_stop_the_run_and_pause_every_claim(forty_owed):
    class Refused:
        name = "fcm"

        def send(self, messages):
            time.sleep(0.01)
            raise CredentialError(
                "key revoked",
                [
                    PushResult(message=m, outcome=PushOutcome.CREDENTIAL_PAUSE, error="key revoked")
                    for m in messages
                ],
            )

    report = dispatch_due(backend=Refused())

    assert report.credential_error == "key revoked"
    assert not Delivery.objects.filter(status="sending").exists()
    paused = Delivery.objects.exclude(status="queued")
    assert 0 < paused.count() <= 8
    assert set(paused.values_list("status", "attempts")) == {("retry", 0)}
