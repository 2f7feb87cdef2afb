"""The dispatcher with a recording back end: who gets a push, and what each result does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications.dispatch import dispatch_due, plan_deliveries
from notifications.models import Alert, Delivery, DeliveryAttempt, Device, PushHealth
from notifications.owed import record_owed_alerts
from notifications.push import CredentialError, PushOutcome, PushResult
from notifications.settle import MAX_ATTEMPTS, retry_delay
from tests.notifications.helpers import device_for, make_pregnancy

TODAY = date(2026, 12, 1)


@pytest.fixture
def owed_alert(ana, citra, sumbersari):
    """Dr. Citra owes an alert for a mother due in a week."""
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7), risk_band="high")
    record_owed_alerts(today=TODAY)
    return Alert.objects.get()


def test_every_active_device_of_the_recipient_gets_one_push(owed_alert, citra, recording):
    device_for(citra, "phone")
    device_for(citra, "tablet")
    Device.objects.create(user=citra, token="old", platform="ios", active=False)

    dispatch_due(backend=recording)
    dispatch_due(backend=recording)

    assert sorted(recording.tokens()) == ["phone", "tablet"]
    owed_alert.refresh_from_db()
    assert owed_alert.status == "sent"
    assert owed_alert.sent_at is not None
    assert DeliveryAttempt.objects.count() == 2


def test_the_push_carries_only_opaque_ids_the_milestone_and_the_band(owed_alert, citra, recording):
    device_for(citra, "phone")

    dispatch_due(backend=recording)

    (message,) = recording.sent
    assert message.data == {
        "alert_id": str(owed_alert.id),
        "pregnancy_id": str(owed_alert.pregnancy_id),
        "milestone": "edd_minus_7",
        "risk_band": "high",
    }
    assert "1 minggu lagi" in message.body


def test_a_doctor_without_a_device_still_has_the_alert_in_the_inbox(owed_alert, recording):
    dispatch_due(backend=recording)

    owed_alert.refresh_from_db()
    assert recording.sent == []
    assert owed_alert.status == "undelivered"


def test_a_dead_token_deactivates_the_device_and_is_not_retried(owed_alert, citra, recording):
    device = device_for(citra, "phone")
    recording.script("phone", PushOutcome.DEAD_TOKEN)

    dispatch_due(backend=recording)
    dispatch_due(backend=recording)

    device.refresh_from_db()
    assert device.active is False
    assert recording.tokens() == ["phone"]
    assert Delivery.objects.get().status == "dead_token"
    owed_alert.refresh_from_db()
    assert owed_alert.status == "undelivered"


def test_a_permanent_failure_is_not_retried(owed_alert, citra, recording):
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.FAILED)

    dispatch_due(backend=recording)

    assert Delivery.objects.get().status == "failed"


def test_a_transient_failure_waits_with_backoff_then_succeeds(owed_alert, citra, recording):
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY, PushOutcome.SENT)

    report = dispatch_due(backend=recording)
    delivery = Delivery.objects.get()
    assert delivery.status == "retry"
    assert 15 <= report.next_retry_in <= 30
    dispatch_due(backend=recording)
    assert recording.tokens() == ["phone"]  # not yet due

    Delivery.objects.update(next_attempt_at=timezone.now())
    dispatch_due(backend=recording)

    assert recording.tokens() == ["phone", "phone"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert list(DeliveryAttempt.objects.values_list("outcome", flat=True)) == ["retry", "sent"]


def test_a_delivery_fails_for_good_after_the_last_attempt(owed_alert, citra, recording):
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY)

    for _ in range(MAX_ATTEMPTS + 2):
        Delivery.objects.filter(status="retry").update(next_attempt_at=timezone.now())
        dispatch_due(backend=recording)

    assert len(recording.sent) == MAX_ATTEMPTS
    assert Delivery.objects.get().status == "failed"


@pytest.mark.parametrize("attempts", range(1, 12))
def test_retry_delays_grow_and_stay_under_the_visibility_timeout(settings, attempts):
    delay = retry_delay(attempts, retry_after=None)
    assert 15 * 2 ** (attempts - 1) <= delay or delay >= settings.TASK_MAX_RETRY_DELAY_SECONDS / 2
    assert delay <= settings.TASK_MAX_RETRY_DELAY_SECONDS
    assert retry_delay(attempts, retry_after=10**6) == settings.TASK_MAX_RETRY_DELAY_SECONDS


def test_retry_after_from_fcm_is_honoured(owed_alert, citra):
    device_for(citra, "phone")

    class Quota:
        name = "quota"

        def send(self, messages):
            return [
                PushResult(
                    message=m,
                    outcome=PushOutcome.RETRY,
                    error_code="QUOTA_EXCEEDED",
                    retry_after=600,
                )
                for m in messages
            ]

    before = timezone.now()
    dispatch_due(backend=Quota())

    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at >= before + timedelta(seconds=600)
    assert DeliveryAttempt.objects.get().retry_after_seconds == 600


def test_a_credential_error_is_reported_loudly_and_retried_later_without_using_attempts(
    owed_alert, citra, client, caplog
):
    device_for(citra, "phone")

    class Revoked:
        name = "fcm"

        def send(self, messages):
            raise CredentialError("invalid_grant")

    report = dispatch_due(backend=Revoked())

    assert report.credential_error == "invalid_grant"
    assert "push credentials rejected" in caplog.text
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retry", 0)
    assert DeliveryAttempt.objects.get().outcome == PushOutcome.CREDENTIAL_PAUSE
    assert PushHealth.objects.get(backend="fcm").ok is False
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["push"].startswith("error: fcm credentials rejected")


def test_the_health_check_recovers_after_a_successful_send(owed_alert, citra, recording):
    device_for(citra, "phone")
    PushHealth.objects.create(backend="recording", ok=False, detail="credentials rejected")

    dispatch_due(backend=recording)

    assert PushHealth.objects.get().ok is True


class Broken:
    """A back end whose network is down."""

    name = "broken"

    def send(self, messages):
        raise ConnectionError("network down")


def test_a_back_end_that_raises_releases_its_claim_for_a_later_retry(owed_alert, citra, recording):
    device_for(citra, "phone")

    with pytest.raises(ConnectionError):
        dispatch_due(backend=Broken())

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retry", 0)
    Delivery.objects.update(next_attempt_at=timezone.now())
    dispatch_due(backend=recording)
    assert recording.tokens() == ["phone"]


def test_a_claim_left_by_a_dead_worker_is_retried_after_the_lease(owed_alert, citra, recording):
    device_for(citra, "phone")
    dispatch_due(backend=recording)  # plans and sends
    Delivery.objects.update(status="sending", claimed_at=timezone.now())
    Alert.objects.update(status="pending")

    dispatch_due(backend=recording)
    assert len(recording.sent) == 1  # still within the lease: nobody touches it

    Delivery.objects.update(claimed_at=timezone.now() - timedelta(minutes=11))
    dispatch_due(backend=recording)
    assert len(recording.sent) == 2


def test_an_outcome_cancels_queued_pushes(owed_alert, citra, recording):
    from notifications.services import cancel_for_pregnancy

    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY)
    dispatch_due(backend=recording)

    cancel_for_pregnancy(owed_alert.pregnancy_id)
    Delivery.objects.update(next_attempt_at=timezone.now())
    dispatch_due(backend=recording)

    assert len(recording.sent) == 1
    assert Delivery.objects.get().status == "cancelled"
    owed_alert.refresh_from_db()
    assert owed_alert.status == "cancelled"


def test_batches_are_at_most_the_batch_size(ana, citra, sumbersari, recording):
    for _ in range(5):
        make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    record_owed_alerts(today=TODAY)
    device_for(citra, "phone")
    sizes = []
    send = recording.send
    recording.send = lambda messages: sizes.append(len(messages)) or send(messages)

    dispatch_due(backend=recording, batch_size=2)

    assert sizes == [2, 2, 1]
    assert Alert.objects.filter(status="sent").count() == 5


def test_a_run_whose_claim_was_taken_over_does_not_overwrite_the_new_claim(
    owed_alert, citra, recording
):
    device_for(citra, "phone")

    class SlowPastTheLease:
        """Sends, but by the time it answers, its claim has been taken over."""

        name = "slow"

        def send(self, messages):
            Delivery.objects.update(
                claimed_at=timezone.now() + timedelta(seconds=1), attempts=2, status="sending"
            )
            return recording.send(messages)

    dispatch_due(backend=SlowPastTheLease())

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sending", 2)
    assert DeliveryAttempt.objects.count() == 1  # the call happened, and is on record


def test_messages_a_batch_had_no_time_for_go_next_run_without_using_an_attempt(
    owed_alert, citra, recording
):
    device_for(citra, "phone")

    class OutOfTime:
        name = "fcm"

        def send(self, messages):
            return [PushResult(message=m, outcome=PushOutcome.NOT_ATTEMPTED) for m in messages]

    report = dispatch_due(backend=OutOfTime())

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retry", 0)
    assert DeliveryAttempt.objects.count() == 0
    assert report.next_retry_in == 0
    dispatch_due(backend=recording)
    assert recording.tokens() == ["phone"]


def test_an_unreadable_credentials_file_shows_in_healthz_and_the_command_exits_1(
    owed_alert, citra, settings, tmp_path, client
):
    from django.core.management import call_command

    from notifications.backends import get_backend

    device_for(citra, "phone")
    settings.FIREBASE_CREDENTIALS = str(tmp_path / "missing.json")
    get_backend.cache_clear()
    try:
        report = dispatch_due()
        with pytest.raises(SystemExit) as exit_:
            call_command("send_due_alerts")
    finally:
        get_backend.cache_clear()

    assert "service-account file" in report.credential_error
    assert exit_.value.code == 1
    assert client.get("/healthz").json()["push"].startswith("error: fcm credentials rejected")
    owed_alert.refresh_from_db()
    assert owed_alert.status == "pending"  # waits for working credentials


def test_a_back_end_failure_is_recorded_as_an_attempt(owed_alert, citra):
    device_for(citra, "phone")

    with pytest.raises(ConnectionError):
        dispatch_due(backend=Broken())

    attempt = DeliveryAttempt.objects.get()
    assert (attempt.backend, attempt.outcome, attempt.error) == (
        "broken",
        "error",
        "ConnectionError",
    )


def test_an_urgent_push_goes_before_a_backlog_of_routine_ones(ana, citra, sumbersari, recording):
    """A first scan can owe a doctor thousands of milestones at once; a danger sign
    raised after them is claimed first, not behind them (docs/alerts-urgent.md)."""
    device_for(citra, "phone")
    for days in range(10):
        make_pregnancy(
            facility=sumbersari, by=ana, edd=TODAY + timedelta(days=days), risk_band="high"
        )
    record_owed_alerts(today=TODAY)
    plan_deliveries(now=timezone.now() - timedelta(minutes=5))  # waiting for 5 minutes
    assert Delivery.objects.filter(urgent=False, status="queued").count() == 10
    pregnancy = Alert.objects.first().pregnancy
    urgent = Alert.objects.create(
        pregnancy=pregnancy,
        recipient=citra,
        milestone="danger_sign",
        urgent=True,
        edd=pregnancy.edd,
        risk_band="high",
    )

    dispatch_due(backend=recording, batch_size=1, max_batches=1)

    (message,) = recording.sent
    assert message.data["alert_id"] == str(urgent.id)
    assert Delivery.objects.get(alert=urgent).urgent
