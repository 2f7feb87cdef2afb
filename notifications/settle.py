"""Settling a batch FCM has answered: each delivery's new state and attempt, the alerts
it reached, and the next claim, in one transaction (notifications/claims.py); giving a
batch back unsent; and the alerts' own state once their pushes are settled or an
acknowledgement has made them unnecessary.

The results of a batch are in memory once FCM has answered: a settle whose database
connection is lost is made again on a new one while the claim's lease lasts, so a
dropped connection does not make a batch go out twice (docs/alerts-reliability.md).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from notifications.claims import settle_and_claim
from notifications.lease import CLAIM_LEASE
from notifications.models import (
    Alert,
    AlertStatus,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Device,
)
from notifications.push import PushBackend, PushOutcome, PushResult

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_RETRY_SECONDS = 30
CREDENTIAL_PAUSE = timedelta(seconds=getattr(settings, "PUSH_CREDENTIAL_PAUSE_SECONDS", 300))


@dataclass
class DispatchReport:
    counts: dict[str, int] = field(default_factory=dict)
    credential_error: str | None = None
    # Seconds until the earliest delivery waiting to be retried, if any.
    next_retry_in: float | None = None
    # The run stopped at max_batches with work left: run again at once.
    more: bool = False

    def add(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + n


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter, at least what FCM asked for, at most the cap.

    The cap (TASK_MAX_RETRY_DELAY_SECONDS) stays below Redis's visibility timeout, so a
    delayed task is never redelivered while it waits.
    """
    cap = settings.TASK_MAX_RETRY_DELAY_SECONDS
    backoff = min(cap, BASE_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    delay = random.uniform(backoff / 2, backoff)
    return min(cap, max(delay, retry_after or 0.0))


def settle_alerts(alert_ids, *, now: datetime) -> None:
    pending = Alert.objects.filter(id__in=alert_ids, status=AlertStatus.PENDING)
    pending.filter(
        Exists(Delivery.objects.filter(alert=OuterRef("pk"), status=DeliveryStatus.SENT))
    ).update(status=AlertStatus.SENT, sent_at=now)
    unsettled = [*Delivery.OPEN, DeliveryStatus.SENDING]
    pending.exclude(
        Exists(Delivery.objects.filter(alert=OuterRef("pk"), status__in=unsettled))
    ).update(status=AlertStatus.UNDELIVERED)


def acknowledged_pushes_cancel(*, alert_ids, now: datetime) -> None:
    """The doctor read these alerts: their pushes not yet sent are cancelled, and each
    alert no push reached stays in the inbox only (``undelivered``). A push already
    claimed (in flight) is left to its settle."""
    Delivery.objects.filter(alert_id__in=alert_ids, status__in=Delivery.OPEN).update(
        status=DeliveryStatus.CANCELLED
    )
    settle_alerts(alert_ids, now=now)


def batch_settle(
    deliveries: dict[int, Delivery],
    results: list[PushResult],
    backend: PushBackend,
    *,
    then_claim: int = 0,
) -> tuple[DispatchReport, dict[int, Delivery]]:
    """Record each result, and with ``then_claim`` claim that many deliveries next in
    the same transaction (one commit per batch; notifications/claims.py)."""
    now = timezone.now()
    report = DispatchReport()
    attempts, dead_devices = [], set()
    for result in results:
        delivery = deliveries[result.message.ref]
        outcome = result.outcome
        if outcome == PushOutcome.NOT_ATTEMPTED:
            # The batch ran out of time before this one was sent: next run, no attempt used.
            delivery.status = DeliveryStatus.RETRY
            delivery.attempts -= 1
            delivery.next_attempt_at = now
            report.add("not_attempted")
            continue
        if outcome == PushOutcome.CREDENTIAL_PAUSE:
            # Not the device's fault: try again after a pause, without using up attempts.
            delivery.status = DeliveryStatus.RETRY
            delivery.attempts -= 1
            delivery.next_attempt_at = now + CREDENTIAL_PAUSE
        elif outcome == PushOutcome.SENT:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
            delivery.message_id = (result.message_id or "")[:200]
        elif outcome == PushOutcome.DEAD_TOKEN:
            delivery.status = DeliveryStatus.DEAD_TOKEN
            dead_devices.add(delivery.device_id)
        elif outcome == PushOutcome.RETRY and delivery.attempts < MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.RETRY
            delivery.next_attempt_at = now + timedelta(
                seconds=retry_delay(delivery.attempts, result.retry_after)
            )
        else:
            delivery.status = DeliveryStatus.FAILED
        report.add(delivery.status)
        attempts.append(
            DeliveryAttempt(
                delivery=delivery,
                backend=backend.name,
                outcome=outcome,
                error_code=(result.error_code or "")[:64],
                error=(result.error or "")[:300],
                retry_after_seconds=result.retry_after,
            )
        )
    held_at = next(iter(deliveries.values())).claimed_at
    claimed = _surviving_a_lost_connection(
        lambda: _write_settled(
            deliveries, attempts, dead_devices, backend, now=now, then_claim=then_claim
        ),
        deliveries=deliveries,
        held_at=held_at,
    )
    return report, claimed


# A lost connection is tried again this often while the claim's lease lasts, less this
# margin: past it another run may have taken the rows over.
RECONNECT_EVERY = 1.0
LEASE_MARGIN = timedelta(seconds=10)


def _surviving_a_lost_connection(write, *, deliveries: dict[int, Delivery], held_at: datetime):
    """``write()``, again on a new connection if the one it used was lost, until the
    claim's lease is nearly over.

    FCM has answered: the results are in memory, and a batch whose settle is given up
    stays ``sending`` and is pushed again once its lease runs out (the one exception of
    docs/alerts-reliability.md). A dropped connection or a restarting PostgreSQL is no
    reason for that. The settle is one transaction: it either committed or did nothing.
    If the connection died after the server committed, the rows are no longer ours
    under ``held_at`` and the write is not made twice; a claim made in that same
    commit is then unknown here and waits for its lease (late, never twice).
    Inside a caller's transaction (a test's) nothing can be retried: it is lost with it.
    """
    deadline = held_at + CLAIM_LEASE - LEASE_MARGIN
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError):
            if (
                connection.in_atomic_block
                or timezone.now() + timedelta(seconds=RECONNECT_EVERY) >= deadline
            ):
                raise
            logger.warning("settling a batch lost its database connection; trying again")
        connection.close()
        time.sleep(RECONNECT_EVERY)
        try:
            still_ours = Delivery.objects.filter(
                id__in=deliveries.keys(), status=DeliveryStatus.SENDING, claimed_at=held_at
            ).exists()
        except (OperationalError, InterfaceError):
            continue  # still gone: try again
        if not still_ours:
            return {}


def _write_settled(
    deliveries: dict[int, Delivery],
    attempts: list[DeliveryAttempt],
    dead_devices: set[int],
    backend: PushBackend,
    *,
    now: datetime,
    then_claim: int,
) -> dict[int, Delivery]:
    held_at = next(iter(deliveries.values())).claimed_at
    # An alert may now have no device left to reach: settle_alerts must see the rows
    # just written, in the same transaction. Only failures and dead tokens end a
    # delivery without a push, so a batch of sends and retries needs no more than the
    # one statement.
    final = any(
        d.status in (DeliveryStatus.FAILED, DeliveryStatus.DEAD_TOKEN) for d in deliveries.values()
    )
    if not final:
        claimed = settle_and_claim(
            list(deliveries.values()),
            attempts,
            backend=backend.name,
            held_at=held_at,
            now=now,
            claim_at=timezone.now(),
            limit=then_claim,
        )
        return {d.id: d for d in claimed}
    with transaction.atomic():
        alert_ids = {d.alert_id for d in deliveries.values()}
        settle_and_claim(
            list(deliveries.values()),
            attempts,
            backend=backend.name,
            held_at=held_at,
            now=now,
            claim_at=now,
            limit=0,
        )
        if dead_devices:
            Device.objects.filter(id__in=dead_devices).update(active=False)
            # The device's other queued pushes would fail the same way.
            others = Delivery.objects.filter(device_id__in=dead_devices, status__in=Delivery.OPEN)
            alert_ids |= set(others.values_list("alert_id", flat=True))
            others.update(status=DeliveryStatus.DEAD_TOKEN)
        settle_alerts(alert_ids, now=now)
        claimed = (
            settle_and_claim(
                [],
                [],
                backend="",
                held_at=None,
                now=now,
                claim_at=timezone.now(),
                limit=then_claim,
            )
            if then_claim
            else []
        )
    return {d.id: d for d in claimed}


def batch_release(
    deliveries: dict[int, Delivery],
    *,
    delay: timedelta,
    backend: PushBackend,
    error: str,
    outcome: PushOutcome,
) -> None:
    """Give claimed rows back, the attempt not counted: the back end raised before it
    could send them. The failed call is still recorded against each."""
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery_id=delivery_id, backend=backend.name, outcome=outcome, error=error[:300]
            )
            for delivery_id in deliveries
        )
        Delivery.objects.filter(id__in=deliveries.keys(), status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.RETRY,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now() + delay,
        )
