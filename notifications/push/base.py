"""The push interface the rest of the service sees: messages in, one result per message out.

Nothing here knows about Django models or firebase-admin, so callers and tests can use it with
any backend (FCM, the log backend, a test double).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

DEFAULT_ENDPOINT = "https://fcm.googleapis.com"

# FCM's own cap for one `send_each` call. Callers size their batches with it so one Celery task
# handles a bounded amount of work; the backends accept any length.
MAX_BATCH = 500

# FCM rejects a message whose payload (notification + data) is larger than this.
# https://firebase.google.com/docs/cloud-messaging/concept-options#notifications_and_data_messages
MAX_PAYLOAD_BYTES = 4096


@dataclass(frozen=True)
class PushMessage:
    token: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)
    # Opaque to the backends (e.g. the delivery-attempt id): lets the caller match results back
    # without relying on the token, which may appear in several messages.
    ref: str | int | None = None
    # Messages sharing it replace each other on the phone instead of stacking: a push
    # sent again (a retry after a crash) shows the doctor one notification, not two.
    collapse_id: str | None = None


class PushOutcome(StrEnum):
    """What became of one message. (Named apart from the registry's ``Outcome`` model,
    a pregnancy's end.)"""

    SENT = "sent"
    # UNREGISTERED / SENDER_ID_MISMATCH: the token will never work again, deactivate the device.
    DEAD_TOKEN = "dead_token"
    # Permanent for this message (INVALID_ARGUMENT, too large, ...): retrying cannot help.
    FAILED = "failed"
    # Transient (UNAVAILABLE, INTERNAL, QUOTA_EXCEEDED, network): try again later.
    RETRY = "retry"
    # Not sent at all: the batch's time budget ran out before this message started.
    # Uses no attempt; sent on the next run.
    NOT_ATTEMPTED = "not_attempted"
    # Not sent because our credentials failed (CredentialError.results): not the device's
    # fault, so it uses no attempt and waits a pause before the next try.
    CREDENTIAL_PAUSE = "credential_pause"
    # The back end raised before answering (a crash, not a verdict on the message). No
    # back end returns it; the dispatcher records it and gives the claim back.
    ERROR = "error"


@dataclass
class PushResult:
    message: PushMessage
    outcome: PushOutcome
    message_id: str | None = None
    error_code: str | None = None
    # Short and free of personal data: safe to store on the attempt row and to log.
    error: str | None = None
    # Seconds FCM asked us to wait (its Retry-After header), when it gave one.
    retry_after: float | None = None


class CredentialError(Exception):
    """The whole batch failed because of our credentials, not because of any one device.

    Raised for a bad or revoked service-account key, a failing OAuth token endpoint, a missing
    permission or an APNs/web-push auth problem. The caller should report it loudly and not retry
    token by token: every message would fail the same way.

    `results` holds one result per message, in order, for messages that did get an answer before
    the failure (usually none); the rest are `credential_pause`. A caller that
    records `sent` results from it never pushes those messages twice.
    """

    def __init__(self, reason: str, results: Sequence[PushResult] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.results = list(results)


class PushBackend(Protocol):
    name: str

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send every message; return one result per message, in the same order.

        Raises CredentialError when the batch cannot be sent at all because of credentials.
        """
        ...


def payload_size(message: PushMessage) -> int:
    """Bytes of the part of the FCM v1 message that counts towards the 4096-byte limit."""
    payload = {
        "notification": {"title": message.title, "body": message.body},
        "data": message.data,
    }
    # Compact UTF-8, as it goes on the wire: Bahasa Indonesia is ASCII, but an emoji is 4 bytes.
    encoded = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return len(encoded.encode("utf-8"))


def oversize_result(message: PushMessage) -> PushResult | None:
    """A `failed` result for a message FCM would reject for its size, else None.

    Both backends use it, so a text that is too long fails the same way in local runs.
    """
    size = payload_size(message)
    if size <= MAX_PAYLOAD_BYTES:
        return None
    return PushResult(
        message=message,
        outcome=PushOutcome.FAILED,
        error_code="PAYLOAD_TOO_LARGE",
        error=f"payload is {size} bytes, FCM allows {MAX_PAYLOAD_BYTES}",
    )


def token_hint(token: str) -> str:
    """What may be logged of a device token: its last 6 characters."""
    # A full token lets anyone push to that phone; 6 characters are enough to find it in the
    # database when debugging.
    return "..." + token[-6:] if len(token) > 12 else "***"
