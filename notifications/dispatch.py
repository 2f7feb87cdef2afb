"""Turn pending alerts into pushes, each (alert, device) at most once.

1. ``plan_deliveries``: a Delivery row per (pending alert, active device of its
   recipient); the unique constraint makes it idempotent.
2. ``claim``: take due deliveries with ``SELECT ... FOR UPDATE SKIP LOCKED`` and mark
   them ``sending`` in the same transaction, so a second worker, beat or retried task
   never sees them (docs/alerts.md, "Why it is built this way").
3. Send through the back end, outside any transaction, then settle every delivery and
   write one DeliveryAttempt per call.

A run does 2 and 3 in two lanes that share the back end's send threads, each holding
half a batch: one lane's pushes are in flight while the other settles and claims (one
statement, notifications/claims.py). The run never holds more than one batch claimed.

An alert acknowledged before its push went out is not pushed: the doctor has read it
(``acknowledged_pushes_cancel``; the claim passes such deliveries over).

A worker killed between the send and the settle leaves rows ``sending``; after
``CLAIM_LEASE`` (a minute: a live claim renews it with a heartbeat, notifications/lease.py)
they are retried. That window, at most one small batch, is the one place a push could
repeat; the copy carries the alert's collapse id, so the phone shows it once, and the
inbox holds the alert either way (docs/alerts-reliability.md).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from notifications.backends import get_backend
from notifications.claims import settle_and_claim
from notifications.lease import CLAIM_LEASE, Claim, HeldClaims, heartbeat
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
# Deliveries planned at once above which the table's statistics are refreshed.
ANALYZE_AFTER = 500
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
        acknowledged_at__isnull=True,
        recipient__devices__active=True,
    ).values_list("id", "recipient__devices", "urgent")
    rows = [
        Delivery(alert_id=alert_id, device_id=device_id, next_attempt_at=now, urgent=urgent)
        for alert_id, device_id, urgent in pairs
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if len(rows) >= ANALYZE_AFTER:
        # Thousands of deliveries due at once (the daily scan's): autovacuum looks at a
        # table only once a tenth of it has changed, and until then the claim is planned
        # as if none were due, checking every due row's device and alert before its
        # LIMIT (about 5 ms a claim for 1,200 rows; bench/notes.md, "Dispatch").
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Delivery._meta.db_table)}")
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


def acknowledged_pushes_cancel(*, alert_ids, now: datetime) -> None:
    """The doctor read these alerts: their pushes not yet sent are cancelled, and each
    alert no push reached stays in the inbox only (``undelivered``). A push already
    claimed (in flight) is left to its settle."""
    Delivery.objects.filter(alert_id__in=alert_ids, status__in=Delivery.OPEN).update(
        status=DeliveryStatus.CANCELLED
    )
    settle_alerts(alert_ids, now=now)


def reap_stale_claims(*, now: datetime) -> int:
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    # A dead worker's claim on an alert acknowledged meanwhile is not sent again.
    read = stale.filter(alert__acknowledged_at__isnull=False)
    alert_ids = set(read.values_list("alert_id", flat=True))
    if alert_ids:
        read.update(status=DeliveryStatus.CANCELLED)
        settle_alerts(alert_ids, now=now)
    return stale.update(status=DeliveryStatus.RETRY, next_attempt_at=now)


def claim(*, now: datetime, limit: int) -> list[Delivery]:
    return settle_and_claim([], [], backend="", held_at=None, now=now, claim_at=now, limit=limit)


def _settle(
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
        claimed = claim(now=timezone.now(), limit=then_claim) if then_claim else []
    return {d.id: d for d in claimed}


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


# Claims a run works on at once (outside a transaction). While one lane
# claims or settles, the other's pushes are in flight on the back end's shared send
# threads, so the threads do not idle through the bookkeeping (bench/notes.md,
# "Dispatch"). The lanes split the batch size between them: a run still holds at most
# PUSH_BATCH_SIZE deliveries claimed and unsettled, the bound on pushes a killed worker
# repeats (docs/alerts-reliability.md).
LANES = 2


def dispatch_due(
    *, backend: PushBackend | None = None, batch_size: int | None = None, max_batches: int = 100
) -> DispatchReport:
    """Send every delivery that is due, a batch at a time; safe to run concurrently.

    At most ``max_batches`` batches of ``batch_size`` (with lanes, each batch is claimed
    as one smaller claim per lane); with work possibly left, ``report.more`` is set.
    """
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
    # Lanes need connections of their own, which cannot see rows of a transaction
    # still open on this one (a caller's atomic block, a test's): those run one lane, here.
    lanes = 1 if connection.in_atomic_block else LANES
    lanes = min(lanes, batch_size)
    sizes = [batch_size // lanes + (i < batch_size % lanes) for i in range(lanes)]
    run = _Run(backend, offsets, claims_left=max_batches * lanes)
    with heartbeat(run.held):
        if lanes == 1:
            run.lane_here(sizes[0])
        else:
            threads = [
                threading.Thread(target=run.lane_thread, args=(size,), name=f"dispatch-{i}")
                for i, size in enumerate(sizes)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    if run.error is not None:
        raise run.error
    if run.sent_a_batch and run.credential_error is None:
        _set_health(backend.name, ok=True)
    for outcome, n in run.report.counts.items():
        report.add(outcome, n)
    report.more = run.more
    if run.credential_error is not None:
        return _credentials_rejected(report, backend.name, run.credential_error)
    report.next_retry_in = _next_retry_in()
    return report


class _Run:
    """What the lanes of one dispatch run share: the claims left, the claims held (for
    the heartbeat), the counts, and the first failure, which stops every lane."""

    def __init__(self, backend: PushBackend, offsets: dict[str, int], *, claims_left: int):
        self.backend = backend
        self.offsets = offsets
        self.held = HeldClaims()
        self.report = DispatchReport()
        self.more = False
        self.sent_a_batch = False
        self.credential_error: str | None = None
        self.error: BaseException | None = None
        self._claims_left = claims_left
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _may_claim(self) -> bool:
        with self._lock:
            if self._stop.is_set():
                return False
            if self._claims_left == 0:
                self.more = True
                return False
            self._claims_left -= 1
            return True

    def lane_here(self, size: int) -> None:
        try:
            self.lane(size)
        except BaseException as exc:  # noqa: BLE001 (re-raised by dispatch_due)
            with self._lock:
                self.error = self.error or exc
            self._stop.set()

    def lane_thread(self, size: int) -> None:
        try:
            self.lane_here(size)
        finally:
            connection.close()

    def lane(self, size: int) -> None:
        """Claim, send, settle, until nothing is due, the run's claims are used up, or
        another lane failed.

        A batch's settle and the next claim share one transaction: on PostgreSQL each
        commit waits for its WAL flush (several milliseconds on a busy disk), and one
        commit per batch instead of two is most of the bookkeeping's cost. The claim
        still comes after the settle, so the lane holds one claim at a time.
        """
        deliveries = {}
        if self._may_claim():
            deliveries = {d.id: d for d in claim(now=timezone.now(), limit=size)}
        while deliveries:
            held = self.held.hold(
                Claim(deliveries.keys(), next(iter(deliveries.values())).claimed_at)
            )
            try:
                results = self.backend.send(_messages(deliveries, self.offsets))
            except CredentialError as exc:
                self._stop.set()
                self._settle_refused(deliveries, held, exc)
                return
            except Exception as exc:
                self._stop.set()
                self.held.release(held)
                _renewed(deliveries, held)
                _release(
                    deliveries,
                    delay=timedelta(seconds=BASE_RETRY_SECONDS),
                    backend=self.backend,
                    error=type(exc).__name__,
                    outcome=PushOutcome.ERROR,
                )
                raise
            self.held.release(held)
            _renewed(deliveries, held)
            report, deliveries = _settle(
                deliveries, results, self.backend, then_claim=size if self._may_claim() else 0
            )
            counts = report.counts
            with self._lock:
                for outcome, n in counts.items():
                    self.report.add(outcome, n)
                self.sent_a_batch = True

    def _settle_refused(
        self, deliveries: dict[int, Delivery], held: Claim, exc: CredentialError
    ) -> None:
        self.held.release(held)
        _renewed(deliveries, held)
        answered = {r.message.ref for r in exc.results}
        unanswered = {k: v for k, v in deliveries.items() if k not in answered}
        if unanswered:
            _release(
                unanswered,
                delay=CREDENTIAL_PAUSE,
                backend=self.backend,
                error=exc.reason,
                outcome=PushOutcome.CREDENTIAL_PAUSE,
            )
        if exc.results:
            _settle(
                {r.message.ref: deliveries[r.message.ref] for r in exc.results},
                exc.results,
                self.backend,
            )
        with self._lock:
            self.credential_error = self.credential_error or exc.reason


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
        .exclude(alert__acknowledged_at__isnull=False)
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
