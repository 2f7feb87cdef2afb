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
(``acknowledged_pushes_cancel`` in notifications/settle.py; the claim passes such
deliveries over). Settling a batch is notifications/settle.py.

A worker killed between the send and the settle leaves rows ``sending``; after
``CLAIM_LEASE`` (a minute: a live claim renews it with a heartbeat, notifications/lease.py)
they are retried. That window, at most one small batch, is the one place a push could
repeat; the copy carries the alert's collapse id, so the phone shows it once, and the
inbox holds the alert either way (docs/alerts-reliability.md).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from notifications.backends import get_backend
from notifications.claims import settle_and_claim
from notifications.lease import CLAIM_LEASE, Claim, HeldClaims, heartbeat
from notifications.models import (
    Alert,
    AlertRule,
    AlertStatus,
    Delivery,
    DeliveryStatus,
    Device,
    PushHealth,
)
from notifications.payload import alert_message
from notifications.push import MAX_BATCH, CredentialError, PushBackend, PushOutcome
from notifications.settle import (
    BASE_RETRY_SECONDS,
    CREDENTIAL_PAUSE,
    DispatchReport,
    batch_release,
    batch_settle,
    settle_alerts,
)

logger = logging.getLogger(__name__)

# Deliveries planned at once above which the table's statistics are refreshed.
ANALYZE_AFTER = 500


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
                batch_release(
                    deliveries,
                    delay=timedelta(seconds=BASE_RETRY_SECONDS),
                    backend=self.backend,
                    error=type(exc).__name__,
                    outcome=PushOutcome.ERROR,
                )
                raise
            self.held.release(held)
            _renewed(deliveries, held)
            report, deliveries = batch_settle(
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
            batch_release(
                unanswered,
                delay=CREDENTIAL_PAUSE,
                backend=self.backend,
                error=exc.reason,
                outcome=PushOutcome.CREDENTIAL_PAUSE,
            )
        if exc.results:
            batch_settle(
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
