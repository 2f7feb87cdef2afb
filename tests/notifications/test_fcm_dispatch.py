"""The dispatcher through the real firebase-admin client against a local fake FCM.

The fake serves the OAuth token endpoint of a service-account key generated for the
test and FCM's v1 send endpoint; nothing of firebase-admin is mocked.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications.dispatch import dispatch_due
from notifications.models import Alert, Delivery, DeliveryAttempt, PushHealth
from notifications.owed import record_owed_alerts
from tests.fakes.fake_fcm import (
    invalid_argument,
    quota_exceeded,
    unavailable,
    unregistered,
)
from tests.notifications.helpers import device_for, make_pregnancy

TODAY = date(2026, 12, 1)
TOKEN = "fcm-" + "x" * 140 + "citra1"


@pytest.fixture
def citra_phone(ana, citra, sumbersari):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=14), risk_band="high")
    record_owed_alerts(today=TODAY)
    return device_for(citra, TOKEN)


def test_a_push_reaches_fcm_with_the_oauth_token_and_the_contract_keys(
    citra_phone, fake_fcm, fcm_backend
):
    dispatch_due()

    (request,) = fake_fcm.requests
    message = request["message"]
    alert = Alert.objects.get()
    assert message["token"] == TOKEN
    assert message["data"] == {
        "alert_id": str(alert.id),
        "pregnancy_id": str(alert.pregnancy_id),
        "milestone": "edd_minus_14",
        "risk_band": "high",
    }
    assert message["notification"]["title"]
    assert fake_fcm.authorizations == ["Bearer fake-token"]
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert delivery.message_id.startswith("projects/jsc-test/messages/")
    alert.refresh_from_db()
    assert alert.status == "sent"


def test_unregistered_deactivates_the_device(citra_phone, fake_fcm, fcm_backend):
    fake_fcm.script(TOKEN, unregistered())

    dispatch_due()
    dispatch_due()

    citra_phone.refresh_from_db()
    assert citra_phone.active is False
    assert fake_fcm.count(TOKEN) == 1
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.backend, attempt.outcome, attempt.error_code) == (
        "fcm",
        "dead_token",
        "UNREGISTERED",
    )


def test_invalid_argument_fails_for_good(citra_phone, fake_fcm, fcm_backend):
    fake_fcm.script(TOKEN, invalid_argument())

    dispatch_due()
    Delivery.objects.update(next_attempt_at=timezone.now())
    dispatch_due()

    assert Delivery.objects.get().status == "failed"
    assert fake_fcm.count(TOKEN) == 1


def test_unavailable_then_success_is_sent_once(citra_phone, fake_fcm, fcm_backend):
    fake_fcm.script(TOKEN, unavailable(retry_after=0))

    dispatch_due()

    # firebase-admin's own HTTP client retried the 503 once; FCM accepted the second.
    assert fake_fcm.count(TOKEN) == 2
    assert Delivery.objects.get().status == "sent"


def test_quota_exceeded_comes_back_at_once_and_waits_its_retry_after_in_the_database(
    citra_phone, fake_fcm, fcm_backend
):
    # firebase-admin would sleep Retry-After itself, up to 4 times; the backend leaves
    # that to the dispatcher, so a claim never outlives its lease while a worker sleeps.
    fake_fcm.script(TOKEN, quota_exceeded(retry_after=120))
    before = timezone.now()

    dispatch_due()

    assert fake_fcm.count(TOKEN) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "retry"
    assert delivery.next_attempt_at >= before + timedelta(seconds=120)
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.outcome, attempt.retry_after_seconds) == ("retry", 120.0)

    dispatch_due()
    assert fake_fcm.count(TOKEN) == 1  # not before its time

    Delivery.objects.update(next_attempt_at=timezone.now())
    dispatch_due()
    assert Delivery.objects.get().status == "sent"
    assert fake_fcm.count(TOKEN) == 2


def test_a_revoked_key_is_reported_and_nothing_is_sent(citra_phone, fake_fcm, fcm_backend, client):
    fake_fcm.fail_token_endpoint()

    report = dispatch_due()

    assert report.credential_error
    assert fake_fcm.requests == []
    assert PushHealth.objects.get(backend="fcm").ok is False
    assert client.get("/healthz").json()["push"].startswith("error: fcm")


def test_a_push_sent_twice_collapses_into_one_notification_on_the_phone(
    citra_phone, fake_fcm, fcm_backend
):
    # The worker dies after FCM took the push and before the row says so: the lease
    # expires and the same alert goes out again. Both copies carry the same collapse
    # ids, so the phone replaces the first notification instead of showing a second.
    dispatch_due()
    Delivery.objects.update(status="retry", next_attempt_at=timezone.now())
    dispatch_due()

    first, second = (r["message"] for r in fake_fcm.requests)
    alert_id = str(Alert.objects.get().id)
    for message in (first, second):
        assert message["android"]["notification"]["tag"] == alert_id
        assert message["android"]["collapse_key"] == alert_id
        assert message["apns"]["headers"]["apns-collapse-id"] == alert_id
        assert message["webpush"]["headers"]["Topic"] == alert_id.replace("-", "")
        assert message["android"]["priority"] == "high"
