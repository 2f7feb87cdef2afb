"""LogBackend: what local runs use when FIREBASE_CREDENTIALS is unset."""

from __future__ import annotations

import logging

from notifications.push import LogBackend, PushMessage, PushOutcome, build_backend

TOKEN = "fGh7-" + "q" * 140 + "Zx9Yw3"


def test_it_logs_one_line_per_message_with_only_the_tokens_tail(caplog):
    messages = [
        PushMessage(
            token=TOKEN,
            title="Pengingat persalinan",
            body="HPL 7 hari lagi.",
            data={"alert_id": "41", "pregnancy_id": "17", "milestone": "edd", "risk_band": "high"},
            ref=1,
        ),
        PushMessage(token=TOKEN[::-1], title="t", body="b", data={"note": "Ibu Siti"}, ref=2),
    ]

    with caplog.at_level(logging.INFO, logger="notifications.push"):
        results = LogBackend().send(messages)

    assert [r.outcome for r in results] == [PushOutcome.SENT, PushOutcome.SENT]
    assert [r.message.ref for r in results] == [1, 2]
    assert all(r.message_id for r in results)
    assert len(caplog.records) == 2
    assert all(r.name == "notifications.push" for r in caplog.records)
    first, second = (r.getMessage() for r in caplog.records)
    assert "...Zx9Yw3" in first
    assert "alert_id=41" in first and "milestone=edd" in first and "risk_band=high" in first
    # Never the whole token, never the text, never a value outside the contract's keys.
    assert TOKEN not in caplog.text and TOKEN[::-1] not in caplog.text
    assert "Pengingat" not in caplog.text
    assert "note" in second and "Siti" not in second


def test_it_fails_a_message_fcm_would_reject_for_its_size(caplog):
    big = PushMessage(token=TOKEN, title="t", body="x" * 5000)

    [result] = LogBackend().send([big])

    assert result.outcome == PushOutcome.FAILED
    assert result.error_code == "PAYLOAD_TOO_LARGE"
    assert TOKEN not in caplog.text


def test_without_credentials_the_backend_is_the_log():
    assert build_backend(None).name == "log"
    assert build_backend("").name == "log"
