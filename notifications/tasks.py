"""Thin Celery tasks: a service call and the retry policy (docs/conventions.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.dispatch import dispatch_due
from notifications.services import scan
from notifications.wakeup import wakeup_book, wakeup_replaced

logger = logging.getLogger(__name__)

# A failed run (database restarting, broker blip) is retried with growing, jittered
# delays, all far below the broker's visibility timeout.
RETRY_POLICY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
}


@shared_task(name="notifications.tasks.scan_due_alerts", max_retries=5, **RETRY_POLICY)
def scan_due_alerts() -> None:
    scan(today=timezone.localdate(), now=timezone.now())
    transaction.on_commit(dispatch_alerts.delay)


@shared_task(name="notifications.tasks.dispatch_alerts", max_retries=10, **RETRY_POLICY)
def dispatch_alerts(booked_for: str | None = None) -> None:
    """``booked_for``: the time of the wake-up booking that queued this run, if one did."""
    if booked_for is not None:
        at = datetime.fromisoformat(booked_for)
        if wakeup_replaced(booked_for=at):
            logger.info("dispatch wake-up for %s replaced by another booking: not run", at)
            return
        # Counted by the fault suite: the runs the dispatcher books for itself.
        logger.info("dispatch run, woken up as booked for %s", at)
    report = dispatch_due()
    if report.more:
        # Bounded by work, not time: a run stops here only after all its claims, each of
        # at least one delivery. Counted by the fault suite beside the wake-ups.
        logger.info("dispatch run used all its claims with more due: queued again")
        dispatch_alerts.delay()
        return
    # Retries (and a dead worker's claims) wait in the database. Wake a worker for the
    # first one only when it is due before the next scan would find it anyway, and only
    # if no wake-up is booked for then already (notifications/wakeup.py): one message
    # waits in the broker however many runs end. The countdown is always shorter than
    # the broker's visibility timeout (settings.TASK_MAX_RETRY_DELAY_SECONDS).
    wait = report.next_retry_in
    if wait is not None:
        if wait < min(settings.ALERT_SCAN_INTERVAL_SECONDS, settings.TASK_MAX_RETRY_DELAY_SECONDS):
            now = timezone.now()
            booked = wakeup_book(at=now + timedelta(seconds=wait), now=now)
            if booked is not None:
                dispatch_alerts.apply_async(eta=booked, kwargs={"booked_for": booked.isoformat()})


# Publishing waits at most about a second for a broker that does not answer: the
# request that queued it has already committed its alert rows, which the next scan
# sends anyway.
QUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}


def _queue_dispatch_now() -> None:
    try:
        dispatch_alerts.apply_async(retry=True, retry_policy=QUEUE_RETRY_POLICY)
    except Exception as exc:  # the broker is down: the scan is the safety net
        logger.warning(
            "could not queue the alert dispatch (%s); the next scan sends what is pending",
            type(exc).__name__,
        )


def queue_dispatch() -> None:
    """Push what is pending now, once the current transaction commits (the urgent path)."""
    transaction.on_commit(_queue_dispatch_now)
