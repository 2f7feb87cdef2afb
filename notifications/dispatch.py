"""Turn pending alerts into pushes, each (alert, device) at most once.

1. ``plan_deliveries``: a Delivery row per (pending alert, active device of its
   recipient); the unique constraint makes it idempotent.
2. ``claim``: take due deliveries with ``SELECT ... FOR UPDATE SKIP LOCKED`` and mark
   them ``sending`` in the same transaction, so a second worker, beat or retried task
   never sees them (docs/alerts.md, "Why it is built this way").
3. Send through the back end, outside any transaction, then settle every delivery and
   write one DeliveryAttempt per call.

A worker killed between the send and the settle leaves rows ``sending``; after
``CLAIM_LEASE`` (a minute: a live claim renews it with a heartbeat, notifications/lease.py)
they are retried. That window, at most one small batch, is the one place a push could
repeat; the copy carries the alert's collapse id, so the phone shows it once, and the
inbox holds the alert either way (docs/alerts-reliability.md).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from notifications.backends import get_backend
from notifications.lease import CLAIM_LEASE, Claim, heartbeat
from notifications.models import (
    Alert,
    AlertRule,
    AlertStatus,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Device,
    PushHealth,
)
from notifications.payload import alert_message
from notifications.push import MAX_BATCH, CredentialError, PushBackend, PushOutcome, PushResult

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


def plan_deliveries(*, now: datetime) -> int:
    # One filter() call, so the device join, its condition and the OuterRef all refer to
    # the same row (each call on a multi-valued relation would add a join of its own).
    pairs = Alert.objects.filter(
        ~Exists(
            Delivery.objects.filter(alert=OuterRef("pk"), device=OuterRef("recipient__devices"))
        ),
        status=AlertStatus.PENDING,
        recipient__devices__active=True,
    ).values_list("id", "recipient__devices")
    rows = [
        Delivery(alert_id=alert_id, device_id=device_id, next_attempt_at=now)
        for alert_id, device_id in pairs
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # A recipient with no device still has the alert in the inbox. Asked of the
    # recipient's devices, not of the alert's deliveries: an alert another scan has
    # just committed has no delivery yet, and must stay pending for its planner.
    Alert.objects.filter(status=AlertStatus.PENDING).exclude(
        Exists(Device.objects.filter(user=OuterRef("recipient"), active=True))
    ).update(status=AlertStatus.UNDELIVERED)
    return len(rows)


def settle_alerts(alert_ids, *, now: datetime) -> None:
    pending = Alert.objects.filter(id__in=alert_ids, status=AlertStatus.PENDING)
    pending.filter(
        Exists(Delivery.objects.filter(alert=OuterRef("pk"), status=DeliveryStatus.SENT))
    ).update(status=AlertStatus.SENT, sent_at=now)
    unsettled = [*Delivery.OPEN, DeliveryStatus.SENDING]
    pending.exclude(
        Exists(Delivery.objects.filter(alert=OuterRef("pk"), status__in=unsettled))
    ).update(status=AlertStatus.UNDELIVERED)


def reap_stale_claims(*, now: datetime) -> int:
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    ).update(status=DeliveryStatus.RETRY, next_attempt_at=now)


def claim(*, now: datetime, limit: int) -> list[Delivery]:
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=Delivery.OPEN,
                next_attempt_at__lte=now,
                device__active=True,
            )
            # Not "alert pending": the alert turns "sent" with its first device, and
            # its other devices are still owed their push.
            .exclude(alert__status=AlertStatus.CANCELLED)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        Delivery.objects.filter(id__in=ids).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Delivery.objects.filter(id__in=ids).select_related("alert", "device"))


def _settle(
    deliveries: dict[int, Delivery], results: list[PushResult], backend: PushBackend
) -> DispatchReport:
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
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts)
        # Only rows this run still holds: had a claim outlived its lease and been taken
        # over, the other run's bookkeeping stands.
        ours = set(
            Delivery.objects.select_for_update()
            .filter(
                id__in=deliveries.keys(),
                status=DeliveryStatus.SENDING,
                claimed_at=next(iter(deliveries.values())).claimed_at,
            )
            .values_list("id", flat=True)
        )
        _save_settled([d for d in deliveries.values() if d.id in ours])
        alert_ids = {d.alert_id for d in deliveries.values()}
        if dead_devices:
            Device.objects.filter(id__in=dead_devices).update(active=False)
            # The device's other queued pushes would fail the same way.
            others = Delivery.objects.filter(device_id__in=dead_devices, status__in=Delivery.OPEN)
            alert_ids |= set(others.values_list("alert_id", flat=True))
            others.update(status=DeliveryStatus.DEAD_TOKEN)
        settle_alerts(alert_ids, now=now)
    return report


SETTLED_FIELDS = ["status", "attempts", "next_attempt_at", "sent_at", "message_id"]


def _save_settled(rows: list[Delivery]) -> None:
    """Write each delivery's outcome in one statement.

    Django's ``bulk_update`` builds a CASE of 500 branches per field and took most of a
    dispatch's time (bench/results.md); on PostgreSQL one UPDATE ... FROM (VALUES ...)
    does the same work.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        Delivery.objects.bulk_update(rows, SETTLED_FIELDS)
        return
    values = ", ".join(
        [
            "(CAST(%s AS bigint), %s, CAST(%s AS integer), CAST(%s AS timestamptz),"
            " CAST(%s AS timestamptz), %s)"
        ]
        * len(rows)
    )
    params = []
    for d in rows:
        params += [d.id, d.status, d.attempts, d.next_attempt_at, d.sent_at, d.message_id]
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS d SET status = v.status, attempts = v.attempts,"
            " next_attempt_at = v.next_attempt_at, sent_at = v.sent_at,"
            " message_id = v.message_id"
            f" FROM (VALUES {values}) AS v (id, status, attempts, next_attempt_at,"
            " sent_at, message_id) WHERE d.id = v.id",
            params,
        )


def _release(
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


def _set_health(backend_name: str, *, ok: bool, detail: str = "") -> None:
    PushHealth.objects.update_or_create(
        backend=backend_name, defaults={"ok": ok, "detail": detail[:300]}
    )


def _credentials_rejected(report: DispatchReport, backend_name: str, reason: str):
    """Loud, once per run: an error in the log and in /healthz; no retry per token."""
    logger.error("push credentials rejected by %s: %s", backend_name, reason)
    report.credential_error = reason
    _set_health(backend_name, ok=False, detail=f"credentials rejected: {reason}")
    report.next_retry_in = _next_retry_in()
    return report


def _messages(deliveries: dict[int, Delivery], offsets: dict[str, int]):
    return [
        alert_message(
            token=d.device.token,
            alert_id=d.alert_id,
            pregnancy_id=d.alert.pregnancy_id,
            milestone=d.alert.milestone,
            offset_days=offsets.get(d.alert.milestone, 0),
            risk_band=d.alert.risk_band,
            urgent=d.alert.urgent,
            ref=d.id,
        )
        for d in deliveries.values()
    ]


def dispatch_due(
    *, backend: PushBackend | None = None, batch_size: int | None = None, max_batches: int = 100
) -> DispatchReport:
    """Send every delivery that is due, a batch at a time; safe to run concurrently."""
    report = DispatchReport()
    if backend is None:
        try:
            backend = get_backend()
        except CredentialError as exc:
            # An unreadable or missing FIREBASE_CREDENTIALS file: nothing can be sent.
            return _credentials_rejected(report, "fcm", exc.reason)
    batch_size = min(batch_size or settings.PUSH_BATCH_SIZE, MAX_BATCH)
    now = timezone.now()
    reap_stale_claims(now=now)
    plan_deliveries(now=now)
    offsets = dict(AlertRule.objects.values_list("milestone", "offset_days"))
    for batch in range(max_batches + 1):
        if batch == max_batches:
            report.more = True
            break
        deliveries = {d.id: d for d in claim(now=timezone.now(), limit=batch_size)}
        if not deliveries:
            break
        held = Claim(deliveries.keys(), next(iter(deliveries.values())).claimed_at)
        try:
            with heartbeat(held):
                results = backend.send(_messages(deliveries, offsets))
        except CredentialError as exc:
            _renewed(deliveries, held)
            answered = {r.message.ref for r in exc.results}
            unanswered = {k: v for k, v in deliveries.items() if k not in answered}
            if unanswered:
                _release(
                    unanswered,
                    delay=CREDENTIAL_PAUSE,
                    backend=backend,
                    error=exc.reason,
                    outcome=PushOutcome.CREDENTIAL_PAUSE,
                )
            if exc.results:
                _settle(
                    {r.message.ref: deliveries[r.message.ref] for r in exc.results},
                    exc.results,
                    backend,
                )
            _credentials_rejected(report, backend.name, exc.reason)
            break
        except Exception as exc:
            _renewed(deliveries, held)
            _release(
                deliveries,
                delay=timedelta(seconds=BASE_RETRY_SECONDS),
                backend=backend,
                error=type(exc).__name__,
                outcome=PushOutcome.ERROR,
            )
            raise
        _renewed(deliveries, held)
        for outcome, n in _settle(deliveries, results, backend).counts.items():
            report.add(outcome, n)
        _set_health(backend.name, ok=True)
    report.next_retry_in = _next_retry_in()
    return report


def _renewed(deliveries: dict[int, Delivery], held: Claim) -> None:
    # The heartbeat may have moved claimed_at on: settle under the value that proves
    # the rows are still ours.
    for delivery in deliveries.values():
        delivery.claimed_at = held.claimed_at


def _next_retry_in() -> float | None:
    """Seconds until the dispatcher has something to do again: the earliest delivery
    it would claim, or the earliest claim of a dead worker to expire."""
    due = (
        Delivery.objects.filter(status=DeliveryStatus.RETRY, device__active=True)
        # Rows claim() would never take must not wake anyone (a wake-up "due now" for
        # them would spin the dispatcher).
        .exclude(alert__status=AlertStatus.CANCELLED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    claimed = (
        Delivery.objects.filter(status=DeliveryStatus.SENDING)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    times = [t for t in (due, claimed and claimed + CLAIM_LEASE) if t is not None]
    if not times:
        return None
    return max((min(times) - timezone.now()).total_seconds(), 0.0)
