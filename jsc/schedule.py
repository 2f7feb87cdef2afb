"""The periodic schedule, declared here and upserted into django-celery-beat.

Upserting (never deleting and recreating) keeps each task's ``last_run_at`` and lets a
running beat pick changes up through the model signals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int
    # Declared but switched off (the row kept, with its last run): beat queues nothing.
    enabled: bool = True


def declared() -> list[Periodic]:
    return [
        Periodic(
            "scan due-date alerts",
            "notifications.tasks.scan_due_alerts",
            settings.ALERT_SCAN_INTERVAL_SECONDS,
        ),
        Periodic(
            "count the dashboard's figures ahead",
            "jsc.dashboard.tasks.refresh_dashboard",
            settings.DASHBOARD_REFRESH_SECONDS,
        ),
        # AMP-SR steps past their deadline (docs/deaths.md, "Deadlines"): days-long
        # deadlines, so the alert scan's period is close enough.
        Periodic(
            "alert overdue death review steps",
            "deaths.tasks.alert_overdue_steps",
            settings.ALERT_SCAN_INTERVAL_SECONDS,
        ),
        # The safety net behind the send each commit queues; off without SATUSEHAT_ENV.
        Periodic(
            "send the SATUSEHAT outbox",
            "satusehat.tasks.send_outbox",
            settings.SATUSEHAT_SEND_INTERVAL_SECONDS,
            enabled=bool(settings.SATUSEHAT_ENV),
        ),
    ]


@transaction.atomic
def sync_periodic_tasks() -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for item in declared():
        # IntervalSchedule has no unique constraint and the Django admin can add twins,
        # so get_or_create() could raise MultipleObjectsReturned and stop beat starting.
        wanted = {"every": item.every_seconds, "period": IntervalSchedule.SECONDS}
        interval = IntervalSchedule.objects.filter(**wanted).order_by("id").first()
        if interval is None:
            interval = IntervalSchedule.objects.create(**wanted)
        task = PeriodicTask.objects.filter(name=item.name).first()
        if task is None:
            PeriodicTask.objects.create(
                name=item.name, task=item.task, interval=interval, enabled=item.enabled
            )
        elif (task.task, task.interval_id, task.enabled) != (item.task, interval.id, item.enabled):
            task.task, task.interval, task.enabled = item.task, interval, item.enabled
            task.save()
