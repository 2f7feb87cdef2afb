"""FirebaseBackend against a local fake FCM: the real firebase-admin client, real HTTP.

No Django needed: `pytest tests/notifications/push -p no:django --noconftest` runs these alone.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import firebase_admin
import pytest
from firebase_admin import messaging

from notifications.push import (
    MAX_BATCH,
    CredentialError,
    PushMessage,
    PushOutcome,
)
from notifications.push.fcm import FirebaseBackend, parse_retry_after
from tests.fakes.fake_fcm import (
    FakeFCM,
    invalid_argument,
    make_service_account,
    ok,
    permission_denied,
    quota_exceeded,
    sender_id_mismatch,
    unavailable,
    unregistered,
)

# Shaped like real registration tokens: long, so only the last 6 characters may be logged.
TOKEN_A = "dA1-" + "a" * 140 + "tokenA"
TOKEN_B = "dB2-" + "b" * 140 + "tokenB"


def alert(token: str, ref: object = None) -> PushMessage:
    return PushMessage(
        token=token,
        title="Pengingat persalinan",
        body="HPL 7 hari lagi. Buka aplikasi untuk rincian.",
        data={
            "alert_id": "41",
            "pregnancy_id": "17",
            "milestone": "edd_minus_7",
            "risk_band": "high",
        },
        ref=ref,
    )


@pytest.fixture
def fake() -> Iterator[FakeFCM]:
    with FakeFCM() as server:
        yield server


@pytest.fixture
def service_account(tmp_path: Path, fake: FakeFCM) -> Path:
    return make_service_account(tmp_path, fake.token_url)


@pytest.fixture
def backend(fake: FakeFCM, service_account: Path) -> Iterator[FirebaseBackend]:
    # A fresh App per test: each test has its own fake server and key file.
    push = FirebaseBackend(
        str(service_account), endpoint=fake.url, max_workers=4, app_name=f"t-{uuid.uuid4().hex}"
    )
    yield push
    push.close()


def test_it_sends_the_notification_and_data_with_a_bearer_token(backend, fake):
    [result] = backend.send([alert(TOKEN_A, ref=7)])

    assert result.outcome == PushOutcome.SENT
    assert result.message_id.startswith("projects/jsc-test/messages/")
    assert result.message.ref == 7
    [body] = fake.requests
    assert body["message"]["token"] == TOKEN_A
    assert body["message"]["notification"] == {
        "title": "Pengingat persalinan",
        "body": "HPL 7 hari lagi. Buka aplikasi untuk rincian.",
    }
    assert set(body["message"]["data"]) == {"alert_id", "pregnancy_id", "milestone", "risk_band"}
    assert body["message"]["android"]["priority"] == "high"
    assert fake.authorizations == ["Bearer fake-token"]
    assert fake.token_requests == 1


def test_it_does_not_emit_the_token_deprecation_warning(backend, fake, recwarn):
    backend.send([alert(TOKEN_A)])

    assert not [w for w in recwarn if "deprecated" in str(w.message)]


def test_it_reports_an_unregistered_token_as_dead(backend, fake):
    fake.script(TOKEN_A, unregistered())

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.DEAD_TOKEN
    assert result.error_code == "UNREGISTERED"
    assert result.message_id is None
    assert TOKEN_A not in result.error


def test_it_reports_a_sender_id_mismatch_as_dead(backend, fake):
    fake.script(TOKEN_A, sender_id_mismatch())

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.DEAD_TOKEN
    assert result.error_code == "SENDER_ID_MISMATCH"


def test_it_reports_an_invalid_argument_as_failed_without_retrying(backend, fake):
    fake.script(TOKEN_A, invalid_argument())

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.FAILED
    assert result.error_code == "INVALID_ARGUMENT"
    assert fake.count(TOKEN_A) == 1


def test_firebase_admin_retries_a_503_itself_so_one_503_still_ends_sent(backend, fake):
    # urllib3's first retry has no backoff: this costs no time.
    fake.script(TOKEN_A, unavailable(), ok())

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.SENT
    assert fake.count(TOKEN_A) == 2


def test_a_503_that_outlasts_the_library_retries_comes_back_as_retry(backend, fake):
    # Retry-After: 1 makes urllib3 sleep 1 s between its 4 retries instead of 0+1+2+4 s.
    fake.script(TOKEN_A, *[unavailable(retry_after=1)] * 5)
    # Another message in the batch is not held up by the slow one.
    started = time.monotonic()

    result, other = backend.send([alert(TOKEN_A), alert(TOKEN_B)])

    assert result.outcome == PushOutcome.RETRY
    assert result.error_code == "UNAVAILABLE"
    assert result.retry_after == 1.0
    assert fake.count(TOKEN_A) == 5  # 1 + firebase-admin's 4 retries
    assert other.outcome == PushOutcome.SENT
    assert fake.count(TOKEN_B) == 1
    assert time.monotonic() - started < 10


def test_a_quota_error_comes_back_at_once_with_its_retry_after(backend, fake):
    # urllib3 would sleep Retry-After (up to 6 hours) and retry 4 times inside
    # firebase-admin; the backend turns that off, so the caller schedules the wait.
    fake.script(TOKEN_A, quota_exceeded(retry_after=3600))
    started = time.monotonic()

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.RETRY
    assert result.error_code == "QUOTA_EXCEEDED"
    assert result.retry_after == 3600.0
    assert fake.count(TOKEN_A) == 1
    assert time.monotonic() - started < 5


def test_messages_not_started_within_the_send_budget_come_back_not_attempted(tmp_path):
    with FakeFCM(latency=0.6) as slow:
        account = make_service_account(tmp_path, slow.token_url)
        push = FirebaseBackend(
            str(account),
            endpoint=slow.url,
            max_workers=1,
            app_name=f"t-{uuid.uuid4().hex}",
            send_budget=0.3,
        )
        try:
            results = push.send([alert(TOKEN_A), alert(TOKEN_B), alert("dC3-" + "c" * 140)])
        finally:
            push.close()

    assert [r.outcome for r in results] == [
        PushOutcome.SENT,
        PushOutcome.NOT_ATTEMPTED,
        PushOutcome.NOT_ATTEMPTED,
    ]
    assert len(slow.requests) == 1


def test_a_quota_error_without_retry_after_comes_back_at_once(backend, fake):
    fake.script(TOKEN_A, quota_exceeded(retry_after=None))

    [result] = backend.send([alert(TOKEN_A)])

    assert result.outcome == PushOutcome.RETRY
    assert result.error_code == "QUOTA_EXCEEDED"
    assert result.retry_after is None
    assert fake.count(TOKEN_A) == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header, seconds):
    # Unit-tested: an HTTP-date end to end would sit through urllib3's 0+1+2+4 s backoff.
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC).timestamp()

    assert parse_retry_after(header, now=now) == seconds


def test_a_refused_oauth_grant_raises_credential_error_before_any_send(backend, fake):
    fake.fail_token_endpoint()

    with pytest.raises(CredentialError) as raised:
        backend.send([alert(TOKEN_A), alert(TOKEN_B)])

    assert "invalid_grant" in raised.value.reason
    assert fake.requests == []
    assert fake.token_requests == 1


def test_an_unreachable_token_endpoint_raises_credential_error(tmp_path, fake):
    account = make_service_account(tmp_path, "http://127.0.0.1:9/token")  # discard port
    push = FirebaseBackend(str(account), endpoint=fake.url, app_name=f"t-{uuid.uuid4().hex}")
    try:
        with pytest.raises(CredentialError, match="TransportError"):
            push.send([alert(TOKEN_A)])
    finally:
        push.close()
    assert fake.requests == []


def test_a_403_without_fcm_details_is_a_credential_error_that_stops_the_batch(fake, tmp_path):
    push = FirebaseBackend(
        str(make_service_account(tmp_path, fake.token_url)),
        endpoint=fake.url,
        max_workers=1,  # one at a time, so "stops the rest" is deterministic
        app_name=f"t-{uuid.uuid4().hex}",
    )
    fake.script(TOKEN_A, permission_denied())
    try:
        with pytest.raises(CredentialError, match="PERMISSION_DENIED") as raised:
            push.send([alert(TOKEN_B, ref=1), alert(TOKEN_A, ref=2), alert(TOKEN_B, ref=3)])
    finally:
        push.close()

    # What went out before the failure is reported, so the caller never sends it twice.
    outcomes = [(r.message.ref, r.outcome, r.error_code) for r in raised.value.results]
    assert outcomes == [
        (1, PushOutcome.SENT, None),
        (2, PushOutcome.CREDENTIAL_PAUSE, None),
        (3, PushOutcome.CREDENTIAL_PAUSE, None),
    ]
    assert fake.count(TOKEN_B) == 1


def test_a_rejected_access_token_is_a_credential_error(backend, fake):
    fake.accepted_token = "another-token"

    with pytest.raises(CredentialError, match="UNAUTHENTICATED"):
        backend.send([alert(TOKEN_A)])


def test_a_batch_larger_than_fcms_limit_is_sent_whole_and_in_order(backend, fake):
    messages = [alert(f"tok-{i:04d}-" + "x" * 40, ref=i) for i in range(MAX_BATCH + 7)]

    results = backend.send(messages)

    assert [r.message.ref for r in results] == list(range(MAX_BATCH + 7))
    assert all(r.outcome == PushOutcome.SENT for r in results)
    assert len(fake.requests) == MAX_BATCH + 7
    # Each result's message id is the one the fake gave that very token.
    assert all(fake.token_for_name(r.message_id) == r.message.token for r in results)


def test_it_never_has_more_requests_in_flight_than_max_workers(backend, fake):
    fake.latency = 0.02

    results = backend.send([alert(f"tok-{i:03d}-" + "y" * 40) for i in range(40)])

    assert all(r.outcome == PushOutcome.SENT for r in results)
    assert fake.max_in_flight <= backend.max_workers == 4
    assert fake.max_in_flight >= 2  # and it does send in parallel


def test_a_message_too_large_for_fcm_fails_without_a_request(backend, fake):
    big = PushMessage(token=TOKEN_A, title="t", body="x" * 5000, data={})

    result, fine = backend.send([big, alert(TOKEN_B)])

    assert result.outcome == PushOutcome.FAILED
    assert result.error_code == "PAYLOAD_TOO_LARGE"
    assert fine.outcome == PushOutcome.SENT
    assert fake.count(TOKEN_A) == 0


def test_a_message_firebase_admin_rejects_fails_alone(backend, fake):
    bad = PushMessage(token=TOKEN_A, title="t", body="b", data={"alert_id": 41})  # type: ignore[dict-item]

    result, fine = backend.send([bad, alert(TOKEN_B)])

    assert result.outcome == PushOutcome.FAILED
    assert result.error_code == "INVALID_MESSAGE"
    assert fine.outcome == PushOutcome.SENT


def test_it_honours_the_endpoint_even_if_the_app_already_had_a_messaging_service(
    fake, service_account
):
    name = f"t-{uuid.uuid4().hex}"
    app = firebase_admin.initialize_app(
        firebase_admin.credentials.Certificate(str(service_account)), name=name
    )
    # Created first with the real URL, as any other code in the process might have done.
    assert "fcm.googleapis.com" in messaging._get_messaging_service(app)._fcm_url
    push = FirebaseBackend(str(service_account), endpoint=fake.url + "/", app_name=name)
    try:
        [result] = push.send([alert(TOKEN_A)])
    finally:
        push.close()

    assert push.app is app
    assert result.outcome == PushOutcome.SENT
    assert fake.count(TOKEN_A) == 1


def test_an_unreadable_key_file_is_a_credential_error(tmp_path):
    broken = tmp_path / "sa.json"
    broken.write_text(json.dumps({"type": "service_account", "private_key": "nope"}))

    with pytest.raises(CredentialError, match="service-account"):
        FirebaseBackend(str(broken), app_name=f"t-{uuid.uuid4().hex}")


def test_an_empty_batch_makes_no_request(backend, fake):
    assert backend.send([]) == []
    assert fake.token_requests == 0
