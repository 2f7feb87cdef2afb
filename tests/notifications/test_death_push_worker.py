"""The death_notified alert with a real Celery worker, Redis and the real firebase-admin
client against the fake FCM: every device of every active health officer receives the
push within a minute, once, with nothing about the woman or the death in it."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jsc.people.models import Role
from notifications.models import Alert
from tests.conftest import make_user
from tests.notifications.helpers import device_for, wait_for
from tests.pregnancies.helpers import build_nik

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROMISE_SECONDS = 60
DEWI_PHONE = "fcm-" + "d" * 140 + "dewi01"
DEWI_TABLET = "fcm-" + "e" * 140 + "dewi02"
EKO_PHONE = "fcm-" + "k" * 140 + "eko001"
DOCTOR_PHONE = "fcm-" + "c" * 140 + "citra1"


def test_the_health_office_hears_of_a_death_within_a_minute_once_per_device(
    api, bayu, citra, dewi, fake_fcm, fcm_backend, worker
):
    eko = make_user("eko", Role.HEALTH_OFFICE, full_name="Eko (Dinkes)")
    make_user("old", Role.HEALTH_OFFICE, full_name="Retired", is_active=False)
    for user, token in ((dewi, DEWI_PHONE), (dewi, DEWI_TABLET), (eko, EKO_PHONE)):
        device_for(user, token)
    device_for(citra, DOCTOR_PHONE)
    body = {
        "id": "5b0c7c1e-6f7e-4e53-9a51-2e8f6e1d0c11",
        "kind": "maternal",
        "person": {
            "nik": build_nik(date(1990, 5, 4), serial=31),
            "full_name": "Sulastri Wahyuni",
        },
        "died_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "place": "home",
        "days_after_end": 10,
        "suspected_cause_group": "grup3-icdmm",
        "notes": "Perdarahan postpartum di rumah",
    }

    started = time.monotonic()
    first = api(bayu).post("/api/v1/deaths/", body, format="json")
    retried = api(bayu).post("/api/v1/deaths/", body, format="json")

    assert (first.status_code, retried.status_code) == (201, 200)
    tokens = (DEWI_PHONE, DEWI_TABLET, EKO_PHONE)
    assert wait_for(lambda: all(fake_fcm.count(t) >= 1 for t in tokens), PROMISE_SECONDS), (
        "the death was not pushed to every health office device within a minute"
    )
    assert time.monotonic() - started < PROMISE_SECONDS
    time.sleep(3)  # room for a second push, had the claims let one through
    assert [fake_fcm.count(t) for t in tokens] == [1, 1, 1]
    assert fake_fcm.count(DOCTOR_PHONE) == 0
    assert Alert.objects.filter(milestone="death_notified").count() == 2  # Dewi and Eko
    for request in fake_fcm.requests:
        message = request["message"]
        assert message["data"]["milestone"] == "death_notified"
        assert message["data"]["pregnancy_id"] == message["data"]["risk_band"] == ""
        text = str(message).replace(message["data"]["alert_id"], "<id>").lower()
        for secret in (
            "sulastri", "wahyuni", body["person"]["nik"], "perdarahan", "grup3", "rumah",
            "ibu", "bayi", "patrang", "maternal",
        ):  # fmt: skip
            assert secret not in text, secret
    # The inbox has it too, for each officer, naming the case and nobody.
    [entry] = api(dewi).get("/api/v1/alerts/").json()["results"]
    assert (entry["milestone"], entry["death"], entry["mother"]) == (
        "death_notified",
        first.json()["id"],
        None,
    )
