"""Thin Celery tasks: a service call and the retry policy (docs/conventions.md)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from deaths.services import death_steps_overdue
from notifications.tasks import RETRY_POLICY


@shared_task(name="deaths.tasks.alert_overdue_steps", max_retries=5, **RETRY_POLICY)
def alert_overdue_steps() -> None:
    death_steps_overdue(now=timezone.now())
