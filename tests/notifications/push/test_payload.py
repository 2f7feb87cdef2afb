"""FCM's 4096-byte payload limit, checked before anything is sent."""

from __future__ import annotations

import json

from notifications.push import MAX_PAYLOAD_BYTES, PushMessage, PushOutcome, payload_size
from notifications.push.base import oversize_result


def message(body: str, **data: str) -> PushMessage:
    return PushMessage(token="t" * 160, title="Pengingat persalinan", body=body, data=data)


def test_the_size_counts_notification_and_data_but_not_the_token():
    msg = message("HPL 7 hari lagi.", alert_id="41", milestone="edd_minus_7")
    expected = json.dumps(
        {
            "notification": {"title": "Pengingat persalinan", "body": "HPL 7 hari lagi."},
            "data": {"alert_id": "41", "milestone": "edd_minus_7"},
        },
        separators=(",", ":"),
    )

    assert payload_size(msg) == len(expected)


def test_the_size_is_in_utf8_bytes_not_characters():
    assert payload_size(message("🤰")) - payload_size(message("")) == 4


def test_a_realistic_alert_is_far_below_the_limit():
    msg = message(
        "Ibu hamil risiko sangat tinggi, HPL 14 hari lagi. Buka aplikasi untuk rencana rujukan.",
        alert_id="123456",
        pregnancy_id="654321",
        milestone="post_term_14",
        risk_band="very_high",
    )

    assert oversize_result(msg) is None
    assert payload_size(msg) < 512


def test_a_payload_of_exactly_the_limit_passes_and_one_byte_more_fails():
    filler = MAX_PAYLOAD_BYTES - payload_size(message(""))

    assert oversize_result(message("x" * filler)) is None
    too_big = oversize_result(message("x" * (filler + 1)))
    assert (too_big.outcome, too_big.error_code) == (PushOutcome.FAILED, "PAYLOAD_TOO_LARGE")
    assert "4097 bytes" in too_big.error
