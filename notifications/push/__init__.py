"""Push notifications: the only code that talks to Firebase, behind a small interface.

Independent of Django: the caller turns alerts into PushMessages, calls `backend.send(...)` and
stores the PushResults.
"""

from __future__ import annotations

from .base import (
    DEFAULT_ENDPOINT,
    MAX_BATCH,
    MAX_PAYLOAD_BYTES,
    CredentialError,
    PushBackend,
    PushMessage,
    PushOutcome,
    PushResult,
    payload_size,
    token_hint,
)
from .log_backend import LogBackend


def build_backend(
    credentials_path: str | None,
    endpoint: str = DEFAULT_ENDPOINT,
    max_workers: int = 8,
) -> PushBackend:
    """FirebaseBackend when a service-account file is configured, else LogBackend.

    Mirrors the contract: FIREBASE_CREDENTIALS unset means pushes are written to the log.
    """
    if not credentials_path:
        return LogBackend()
    # Imported here so the log backend (local runs, most tests) never loads firebase-admin.
    from .fcm import FirebaseBackend

    return FirebaseBackend(
        credentials_path, endpoint=endpoint or DEFAULT_ENDPOINT, max_workers=max_workers
    )


def __getattr__(name: str) -> object:
    # `from notifications.push import FirebaseBackend` works, but loads firebase-admin only then.
    if name == "FirebaseBackend":
        from .fcm import FirebaseBackend

        return FirebaseBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ENDPOINT",
    "MAX_BATCH",
    "MAX_PAYLOAD_BYTES",
    "CredentialError",
    "FirebaseBackend",
    "LogBackend",
    "PushOutcome",
    "PushBackend",
    "PushMessage",
    "PushResult",
    "build_backend",
    "payload_size",
    "token_hint",
]
