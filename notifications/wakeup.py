"""One scheduled dispatch wake-up at a time, booked in the database.

While FCM asks us to wait (503, 429 with Retry-After) every delivery sits in the
database with its own ``next_attempt_at``. A dispatch run that ends with work still
waiting books one wake-up for the earliest of them; a run that finds one already
booked at or before that time books nothing. So however many runs end (scans, retries,
two workers), one message waits in the broker, and the dispatcher sleeps until the
earliest retry instead of re-queuing itself in a loop (docs/alerts-reliability.md).

A booking moved earlier leaves the later message queued; when it fires, the row holds
another time (``wakeup_replaced``) and it runs nothing. So the wake-ups that run are
bookings that were never replaced, each made at least COALESCE after the one before
ran: at most one per COALESCE, whatever the load.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from notifications.models import DispatchWakeup

# Wake-ups closer together than this are one: deliveries that fall due a few hundred
# milliseconds apart (jittered backoff) go out in the same run.
COALESCE = timedelta(seconds=2)


def wakeup_book(*, at: datetime, now: datetime) -> datetime | None:
    """Book the wake-up at `at` (no earlier than COALESCE from now) and return when the
    caller must now queue it for; None when one is booked for about then or sooner. A
    booking in the past is spent (run, or lost in a broker outage): it never blocks a
    new one."""
    at = max(at, now + COALESCE)
    DispatchWakeup.objects.get_or_create(pk=1)
    booked = (
        DispatchWakeup.objects.filter(pk=1)
        .filter(Q(due_at__isnull=True) | Q(due_at__lt=now) | Q(due_at__gt=at + COALESCE))
        .update(due_at=at)
    )
    return at if booked else None


def wakeup_replaced(*, booked_for: datetime) -> bool:
    """Whether the wake-up booked for ``booked_for`` was replaced by another booking
    (an earlier one, which ran in its place, or a later one that will)."""
    return not DispatchWakeup.objects.filter(pk=1, due_at=booked_for).exists()
