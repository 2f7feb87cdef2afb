"""The whole path with a real Celery worker and Redis, not eager mode: a midwife
registers a mother through the API, beat's scan task runs on the worker, the worker
dispatches through firebase-admin to the fake FCM, and the doctor's inbox has it."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import worker_ready
from django.utils import timezone

from jsc.celery import app
from notifications.models import Alert
from notifications.tasks import scan_due_alerts
from tests.notifications.helpers import device_for, wait_for
from tests.pregnancies.helpers import build_nik

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TOKEN = "fcm-" + "w" * 140 + "worker"


def register_due_in_two_weeks(api, midwife) -> str:
    # An ultrasound EDD: the real date's month lengths move an EDD from the LMP by up to
    # 3 days (docs/domain.md, "Pregnancy dates").
    edd = timezone.localdate() + timedelta(days=14)
    response = api(midwife).post(
        "/api/v1/pregnancies/",
        {
            "mother": {
                "nik": build_nik(date(1995, 8, 17)),
                "full_name": "Siti Aminah",
                "date_of_birth": "1995-08-17",
                "phone": "+6281234567890",
            },
            "edd": edd.isoformat(),
            "gravida": 2,
            "para": 1,
            "abortus": 0,
            "height_cm": 150,
            "risk_factors": ["previous_caesarean"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_registered_mother_reaches_the_doctors_phone_through_the_worker(
    api, ana, citra, fake_fcm, fcm_backend, worker
):
    device_for(citra, TOKEN)
    pregnancy_id = register_due_in_two_weeks(api, ana)

    scan_due_alerts.delay()

    assert wait_for(lambda: fake_fcm.count(TOKEN) >= 1), "no push reached the fake FCM"
    assert wait_for(lambda: Alert.objects.filter(status="sent").exists())
    alert = Alert.objects.get()
    assert (str(alert.pregnancy_id), alert.milestone, alert.recipient_id) == (
        pregnancy_id,
        "edd_minus_14",
        citra.id,
    )
    inbox = api(citra).get("/api/v1/alerts/").json()["results"]
    assert [item["id"] for item in inbox] == [str(alert.id)]


def test_two_scans_queued_at_once_push_once(api, ana, citra, fake_fcm, fcm_backend, worker):
    device_for(citra, TOKEN)
    register_due_in_two_weeks(api, ana)

    scan_due_alerts.delay()
    scan_due_alerts.delay()

    assert wait_for(lambda: fake_fcm.count(TOKEN) >= 1)
    time.sleep(2)  # time for a second push, if the claim let one through
    assert fake_fcm.count(TOKEN) == 1


def test_the_push_carries_no_personal_data(api, ana, citra, fake_fcm, fcm_backend, worker):
    device_for(citra, TOKEN)
    register_due_in_two_weeks(api, ana)

    scan_due_alerts.delay()

    assert wait_for(lambda: fake_fcm.count(TOKEN) >= 1)
    (request,) = fake_fcm.requests
    raw = str(request)
    nik = build_nik(date(1995, 8, 17))
    for secret in ("Siti", "Aminah", nik, "6281234567890", "1995-08-17", "previous_caesarean"):
        assert secret not in raw
    assert set(request["message"]["data"]) == {"alert_id", "pregnancy_id", "milestone", "risk_band"}
    assert len(str(request["message"]).encode()) <= 4096


def test_a_worker_that_starts_sends_what_is_due_without_waiting_for_a_scan(
    ana, citra, sumbersari, fake_fcm, fcm_backend
):
    # A worker killed with its pool leaves its dispatch message unacknowledged in Redis
    # for over an hour; the run queued at every start sends what is due now.
    from notifications.owed import record_owed_alerts
    from tests.notifications.helpers import make_pregnancy

    today = timezone.localdate()
    make_pregnancy(facility=sumbersari, by=ana, edd=today + timedelta(days=14), risk_band="high")
    record_owed_alerts(today=today)
    device_for(citra, TOKEN)
    app.control.purge()

    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False) as w:
        # `celery worker` sends worker_ready once it consumes; the test worker does not.
        worker_ready.send(sender=w.consumer)
        assert wait_for(lambda: fake_fcm.count(TOKEN) == 1), "nothing was sent at start"
