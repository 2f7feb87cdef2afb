"""Demo alerts for seed_demo: what the first scan of the day owes, in the doctors' inboxes."""

from __future__ import annotations

from django.utils import timezone

from jsc.people.models import User
from notifications.dispatch import plan_deliveries
from notifications.models import Device
from notifications.owed import record_owed_alerts

DEMO_DEVICE = "demo-device-dokter-sumbersari"


def seed(stdout) -> None:
    doctor = User.objects.filter(username="dokter.sumbersari").first()
    if doctor is not None:
        # A phone for one demo doctor, so `make run` shows pushes in the worker's log.
        Device.objects.get_or_create(
            token=DEMO_DEVICE, defaults={"user": doctor, "platform": "android"}
        )
    owed = record_owed_alerts(today=timezone.localdate())
    plan_deliveries(now=timezone.now())
    if owed:
        stdout.write(f"Demo alerts: {owed} owed today, waiting in the doctors' inboxes.")
