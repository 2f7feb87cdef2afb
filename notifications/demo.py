"""Demo alerts for seed_demo: what the first scan of the day owes, in the doctors' inboxes.

``seed`` runs before the dashboard's demo answers some of them (jsc/dashboard/demo.py);
``summary`` after it, so its line says what `make run` will do: the pushes still owed
go to the demo doctor's phone (written to the log), the answered ones never do.
"""

from __future__ import annotations

from django.utils import timezone

from jsc.people.models import User
from notifications.models import Alert, AlertStatus, Device
from notifications.owed import record_owed_alerts

DEMO_DEVICE = "demo-device-dokter-sumbersari"


def seed(stdout) -> None:
    doctor = User.objects.filter(username="dokter.sumbersari").first()
    if doctor is not None:
        # A phone for one demo doctor, so `make run` shows pushes in the worker's log.
        Device.objects.get_or_create(
            token=DEMO_DEVICE, defaults={"user": doctor, "platform": "android"}
        )
    record_owed_alerts(today=timezone.localdate())


def summary(stdout) -> None:
    alerts = Alert.objects.filter(escalated_from__isnull=True).exclude(status=AlertStatus.CANCELLED)
    to_push = alerts.filter(
        status=AlertStatus.PENDING, acknowledged_at__isnull=True, recipient__devices__active=True
    ).distinct()
    stdout.write(
        f"Demo alerts: {alerts.count()} owed, in the doctors' inboxes; "
        f"{alerts.filter(acknowledged_at__isnull=False).count()} answered, "
        f"{to_push.count()} to push."
    )
