"""Thin Celery tasks: a service call and the retry policy (docs/conventions.md)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from notifications.tasks import QUEUE_RETRY_POLICY, RETRY_POLICY
from satusehat.backends import get_client
from satusehat.services import outbox_enabled, outbox_send_due

logger = logging.getLogger(__name__)


# The alerts' policies: a failed run (the database restarting, a broker blip) is retried
# with growing, jittered delays, and publishing waits at most about a second for a broker
# that does not answer (the rows are committed; beat's run sends them anyway).
# SATUSEHAT's own answers never fail the task: they are settled on the rows.
@shared_task(name="satusehat.tasks.send_outbox", max_retries=5, **RETRY_POLICY)
def send_outbox() -> None:
    if not outbox_enabled():
        return
    report = outbox_send_due(client=get_client(), today=timezone.localdate(), clock=timezone.now)
    if report.more:
        send_outbox.delay()


def _queue_send_now() -> None:
    try:
        send_outbox.apply_async(retry=True, retry_policy=QUEUE_RETRY_POLICY)
    except Exception as exc:  # the broker is down: beat's run is the safety net
        logger.warning(
            "could not queue the SATUSEHAT send (%s); the next periodic run sends it",
            type(exc).__name__,
        )


def queue_send() -> None:
    """Send what the current transaction owes SATUSEHAT, once it commits."""
    transaction.on_commit(_queue_send_now)
