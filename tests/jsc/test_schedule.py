"""jsc.schedule.sync_periodic_tasks: the schedule declared in code, upserted into
django-celery-beat without ever deleting a row (that would lose last_run_at)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from jsc.schedule import declared, sync_periodic_tasks

pytestmark = pytest.mark.django_db

NAME = "scan due-date alerts"
LAST_RUN = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def the_task() -> PeriodicTask:
    return PeriodicTask.objects.select_related("interval").get(name=NAME)


def test_it_creates_the_scan_task_with_the_declared_interval():
    sync_periodic_tasks()

    task = the_task()
    assert task.task == "notifications.tasks.scan_due_alerts"
    assert task.enabled
    assert task.interval.every == settings.ALERT_SCAN_INTERVAL_SECONDS
    assert task.interval.period == IntervalSchedule.SECONDS


def test_running_it_twice_keeps_one_task_and_its_last_run():
    sync_periodic_tasks()
    PeriodicTask.objects.filter(name=NAME).update(last_run_at=LAST_RUN, total_run_count=7)
    first = the_task()

    sync_periodic_tasks()

    assert PeriodicTask.objects.filter(name=NAME).count() == 1
    assert IntervalSchedule.objects.count() == len({p.every_seconds for p in declared()})
    again = the_task()
    assert (again.pk, again.last_run_at, again.total_run_count) == (first.pk, LAST_RUN, 7)


def test_running_it_again_unchanged_does_not_wake_the_scheduler():
    sync_periodic_tasks()
    changed = PeriodicTasks.last_change()

    sync_periodic_tasks()

    assert PeriodicTasks.last_change() == changed


def test_a_new_interval_updates_the_same_row_and_keeps_its_last_run():
    sync_periodic_tasks()
    PeriodicTask.objects.filter(name=NAME).update(last_run_at=LAST_RUN)
    pk = the_task().pk

    with override_settings(ALERT_SCAN_INTERVAL_SECONDS=60):
        sync_periodic_tasks()

    task = the_task()
    assert task.pk == pk
    assert task.interval.every == 60
    assert task.last_run_at == LAST_RUN
    assert PeriodicTask.objects.filter(name=NAME).count() == 1


def test_a_new_interval_tells_a_running_beat():
    sync_periodic_tasks()
    before = PeriodicTasks.last_change()

    with override_settings(ALERT_SCAN_INTERVAL_SECONDS=60):
        sync_periodic_tasks()

    assert PeriodicTasks.last_change() is not None
    assert before is None or PeriodicTasks.last_change() > before


def test_it_restores_a_task_someone_disabled_or_repointed():
    sync_periodic_tasks()
    PeriodicTask.objects.filter(name=NAME).update(enabled=False, task="something.else")

    sync_periodic_tasks()

    task = the_task()
    assert task.enabled
    assert task.task == "notifications.tasks.scan_due_alerts"


def test_it_copes_with_twin_interval_rows_made_in_the_admin():
    every = settings.ALERT_SCAN_INTERVAL_SECONDS
    for _ in range(2):
        IntervalSchedule.objects.create(every=every, period=IntervalSchedule.SECONDS)

    sync_periodic_tasks()

    assert the_task().interval.every == every


def test_it_leaves_tasks_it_does_not_declare_alone():
    other_interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    other = PeriodicTask.objects.create(name="ops task", task="x.y", interval=other_interval)

    sync_periodic_tasks()

    assert PeriodicTask.objects.filter(pk=other.pk, task="x.y").exists()


def test_every_declared_name_is_unique():
    names = [item.name for item in declared()]

    assert len(names) == len(set(names))


def test_every_declared_task_is_one_the_worker_knows():
    # A typo here would have beat send a task every worker rejects as unregistered.
    from jsc.celery import app

    app.loader.import_default_modules()

    for item in declared():
        assert item.task in app.tasks, item.task


def test_the_satusehat_send_is_declared_but_off_without_satusehat_env():
    name = "send the SATUSEHAT outbox"

    with override_settings(SATUSEHAT_ENV=""):
        sync_periodic_tasks()
    off = PeriodicTask.objects.get(name=name)
    with override_settings(SATUSEHAT_ENV="dev", SATUSEHAT_SEND_INTERVAL_SECONDS=30):
        sync_periodic_tasks()
    on = PeriodicTask.objects.select_related("interval").get(name=name)

    assert (off.task, off.enabled) == ("satusehat.tasks.send_outbox", False)
    assert (on.pk, on.enabled, on.interval.every) == (off.pk, True, 30)
