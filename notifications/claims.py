"""One statement per batch on PostgreSQL: settle the batch just sent and claim the next.

At the deployed batch size (``PUSH_BATCH_SIZE``, 8) a batch cost about a dozen ORM
statements and two commits (lock, mark, re-read; insert the attempts, lock, update, two
alert updates, the health row), and each commit waits for its WAL flush: the
bookkeeping, not FCM, set the pace (bench/notes.md, "Dispatch"). Here one statement of
data-modifying CTEs does a lane's whole turn, in one transaction with one commit:

1. the attempt rows of the batch just sent;
2. each of its deliveries this run still holds (``sending`` under the claim's
   ``claimed_at``: a claim another run took over is left to that run);
3. ``sent`` on every pending alert one of them reached;
4. the next claim: due deliveries locked with ``FOR UPDATE SKIP LOCKED`` (another run's
   rows are passed over, never waited for), marked ``sending``, and read back with what
   their pushes need.

Steps 1-3 with nothing to settle is a claim; step 4 with a limit of 0 is a settle. The
text never changes (the rows travel as arrays), so the server plans it once per
connection. An alert that can now never be reached (its last open delivery failed)
needs ``settle_alerts`` to see the rows written here, which CTEs of the same statement
cannot: the dispatcher settles such a batch with the ORM in a transaction
(notifications/settle.py).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import psycopg
from django.db import connection

from notifications.models import (
    Alert,
    AlertStatus,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Device,
)


@cache
def _statement() -> str:
    q = connection.ops.quote_name
    delivery, device, alert = (q(m._meta.db_table) for m in (Delivery, Device, Alert))
    attempt = q(DeliveryAttempt._meta.db_table)
    # Written so its plan does not hang on the statistics: a scan plans thousands of
    # deliveries at once, before autovacuum has looked at them. Due rows are read in
    # `delivery_due_urgent_first` index order (urgent, then due time) until the LIMIT;
    # devices and alerts are looked up by primary key. No tie-break by id: the rows one
    # plan writes share a due time, and breaking the tie by id (as the ORM query does)
    # sorted all of them for every claim.
    return f"""
        WITH logged AS (
            INSERT INTO {attempt}
                (delivery_id, at, backend, outcome, error_code, error, retry_after_seconds)
            SELECT a.delivery_id, %(now)s, %(backend)s, a.outcome, a.error_code, a.error,
                   a.retry_after
            FROM unnest(%(a_id)s::bigint[], %(a_outcome)s::text[], %(a_code)s::text[],
                        %(a_error)s::text[], %(a_retry_after)s::double precision[])
                AS a (delivery_id, outcome, error_code, error, retry_after)
        ), settled AS (
            UPDATE {delivery} AS d
            SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
                sent_at = v.sent_at, message_id = v.message_id
            FROM unnest(%(s_id)s::bigint[], %(s_status)s::text[], %(s_attempts)s::int[],
                        %(s_next)s::timestamptz[], %(s_sent)s::timestamptz[],
                        %(s_message)s::text[])
                AS v (id, status, attempts, next_attempt_at, sent_at, message_id)
            WHERE d.id = v.id AND d.status = 'sending' AND d.claimed_at = %(held_at)s
            RETURNING d.alert_id, d.status
        ), reached AS (
            UPDATE {alert} AS a SET status = 'sent', sent_at = %(now)s
            WHERE a.id = ANY(ARRAY(SELECT alert_id FROM settled WHERE status = 'sent'))
              AND a.status = 'pending'
        ), picked AS MATERIALIZED (
            SELECT d.id FROM {delivery} d
            WHERE d.status IN ('queued', 'retry') AND d.next_attempt_at <= %(claim_at)s
              AND EXISTS (SELECT FROM {device} v WHERE v.id = d.device_id AND v.active)
              -- Not "alert pending": the alert turns "sent" with its first device,
              -- and its other devices are still owed their push. An alert the doctor
              -- acknowledged meanwhile is read: no push (its open deliveries are
              -- cancelled by the acknowledgement; this covers one that raced it).
              AND EXISTS (SELECT FROM {alert} a WHERE a.id = d.alert_id
                          AND a.status <> 'cancelled' AND a.acknowledged_at IS NULL)
            -- Urgent first (a danger sign is not queued behind a backlog of
            -- milestones), in `delivery_due_urgent_first` index order.
            ORDER BY d.urgent DESC, d.next_attempt_at
            LIMIT %(limit)s
            FOR UPDATE SKIP LOCKED
        ), taken AS (
            UPDATE {delivery} d
            SET status = 'sending', claimed_at = %(claim_at)s, attempts = d.attempts + 1
            WHERE d.id = ANY(ARRAY(SELECT id FROM picked))
            RETURNING d.id, d.alert_id, d.device_id, d.attempts, d.next_attempt_at,
                      d.claimed_at, d.sent_at, d.message_id
        )
        SELECT t.id, t.alert_id, t.device_id, t.attempts, t.next_attempt_at, t.claimed_at,
               t.sent_at, t.message_id, v.token, a.pregnancy_id, a.milestone, a.risk_band,
               a.urgent
        FROM taken t
        JOIN {device} v ON v.id = t.device_id
        JOIN {alert} a ON a.id = t.alert_id
        ORDER BY t.next_attempt_at, t.id
    """


def settle_and_claim(
    settled: list[Delivery],
    attempts: list[DeliveryAttempt],
    *,
    backend: str,
    held_at: datetime | None,
    now: datetime,
    claim_at: datetime,
    limit: int,
) -> list[Delivery]:
    """Write ``settled`` (held under ``held_at``) and ``attempts``, then claim up to
    ``limit`` due deliveries under ``claim_at``; return the claimed ones, each with its
    alert and device (the fields a push needs)."""
    params = {
        "now": now,
        "backend": backend,
        "a_id": [a.delivery_id for a in attempts],
        "a_outcome": [str(a.outcome) for a in attempts],
        "a_code": [a.error_code for a in attempts],
        "a_error": [a.error for a in attempts],
        "a_retry_after": [a.retry_after_seconds for a in attempts],
        "s_id": [d.id for d in settled],
        "s_status": [str(d.status) for d in settled],
        "s_attempts": [d.attempts for d in settled],
        "s_next": [d.next_attempt_at for d in settled],
        "s_sent": [d.sent_at for d in settled],
        "s_message": [d.message_id for d in settled],
        "held_at": held_at,
        "claim_at": claim_at,
        "limit": limit,
    }
    connection.ensure_connection()
    # Django's cursors bind parameters client-side, so the server would plan the text
    # anew each time; a plain psycopg cursor binds them server-side and prepares it.
    # Errors still go through Django's wrapper, which marks the connection for its
    # health check.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_statement(), params, prepare=True)
        rows = cursor.fetchall()
    return [
        Delivery(
            id=id_,
            alert=Alert(
                id=alert_id,
                pregnancy_id=pregnancy_id,
                milestone=milestone,
                risk_band=risk_band,
                urgent=urgent,
            ),
            device=Device(id=device_id, token=token),
            status=DeliveryStatus.SENDING,
            attempts=attempts_,
            next_attempt_at=next_attempt_at,
            claimed_at=claimed_at,
            sent_at=sent_at,
            message_id=message_id,
        )
        for (
            id_,
            alert_id,
            device_id,
            attempts_,
            next_attempt_at,
            claimed_at,
            sent_at,
            message_id,
            token,
            pregnancy_id,
            milestone,
            risk_band,
            urgent,
        ) in rows
    ]


# The literal statuses in the statement, checked against the model's choices at import.
assert {"queued", "retry"} == set(Delivery.OPEN)
assert {"sending", "sent"} <= set(DeliveryStatus.values)
assert {"sent", "pending", "cancelled"} <= set(AlertStatus.values)
