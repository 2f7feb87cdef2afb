"""Thin Celery tasks: a service call and the retry policy (docs/conventions.md)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from jsc.dashboard.refresh import dashboard_refresh
from notifications.tasks import RETRY_POLICY


@shared_task(name="jsc.dashboard.tasks.refresh_dashboard", max_retries=3, **RETRY_POLICY)
def refresh_dashboard() -> None:
    dashboard_refresh(today=timezone.localdate(), now=timezone.now())
