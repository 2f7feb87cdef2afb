"""The Celery app, wired the standard way (Celery's "First steps with Django")."""

from __future__ import annotations

import os
import sys

from celery import Celery
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")

if os.path.basename(sys.argv[0]) == "celery":
    # Worker and beat read the settings lazily, deep inside Celery; read them now so a
    # misconfiguration stops them with the same one line as manage.py and gunicorn.
    # Likewise an unreachable database (beat would print tracebacks from its schedule
    # upsert). Only for the two services: `celery inspect ping`, the worker's health
    # check, must answer about the worker whatever the database is doing.
    from jsc.startup import start_or_explain

    start_or_explain(database=bool({"worker", "beat"} & set(sys.argv[1:])))

app = Celery("jsc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folder(sender: Celery, **kwargs) -> None:
    # The filesystem transport expects its folders to exist already.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)


@beat_init.connect
def _upsert_schedule(sender, **kwargs) -> None:
    from jsc.schedule import declared, sync_periodic_tasks

    sync_periodic_tasks()
    # An interval task first runs one interval after beat starts: the first scan 15
    # minutes and the first dashboard count 10 minutes after `make run` or a deploy.
    # Each is queued once now instead; both are safe to run at any time (claims, one
    # refresh at a time).
    for item in declared():
        app.send_task(item.task)


@worker_ready.connect
def _dispatch_on_start(sender, **kwargs) -> None:
    # A worker killed mid-dispatch leaves its task message unacknowledged in Redis until
    # the visibility timeout (over an hour), and the pushes it held waiting for their
    # lease. A dispatch run queued at every start sends what is due at once and books a
    # wake-up for when those leases expire (docs/alerts-reliability.md).
    app.send_task("notifications.tasks.dispatch_alerts")
