"""The one place that talks to Firebase Cloud Messaging (through firebase-admin).

Notes from reading firebase-admin 7.7's source (messaging.py, _http_client.py):

- Its HTTP session retries by itself (`_http_client.DEFAULT_RETRY_CONFIG`): up to 4 times on
  500/503 with 0, 1, 2, 4 s backoff, and also on 429/503 that carry Retry-After, sleeping what the
  header says (urllib3 caps it at 6 hours). The retry config is not an option of the public API
  (only `httpTimeout` is); `_bound_retries` mounts the same policy without the Retry-After
  sleeps on the client's session, so a 429 comes back at once with its Retry-After and the
  dispatcher schedules the retry. One message still may take ~7 s of 500/503 backoff.
- `send_each` opens a thread pool as large as the batch (up to 500 threads). We use our own pool
  of `max_workers` threads around `messaging.send` instead; see `FirebaseBackend.send`.
"""

from __future__ import annotations

import email.utils
import functools
import os
import threading
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC
from typing import cast

import firebase_admin
import google.auth.exceptions
import google.auth.transport.requests
import requests.adapters
from firebase_admin import _http_client, credentials, exceptions, messaging

from .base import (
    DEFAULT_ENDPOINT,
    CredentialError,
    PushMessage,
    PushOutcome,
    PushResult,
    oversize_result,
    token_hint,
)

SEND_PATH = "/v1/projects/{0}/messages:send"

# Errors that say the token is gone for good: the device must be deactivated.
_DEAD_TOKEN = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
# Errors about our credentials, not the device: every message would fail the same way.
# SenderIdMismatchError is a PermissionDeniedError too, so _DEAD_TOKEN is checked first.
_CREDENTIAL = (
    messaging.ThirdPartyAuthError,
    exceptions.PermissionDeniedError,
    exceptions.UnauthenticatedError,
)
# Transient: worth sending again later. firebase-admin maps connection errors to
# UnavailableError, timeouts to DeadlineExceededError, other transport errors and unexpected
# statuses (502, 504 from a proxy) to UnknownError.
_RETRYABLE = (
    exceptions.ResourceExhaustedError,  # includes messaging.QuotaExceededError
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
    exceptions.UnknownError,
    exceptions.AbortedError,
)
# FCM's own error codes (the FcmError detail) for the exceptions that carry one; other errors
# report the platform code (`exc.code`, e.g. INVALID_ARGUMENT).
_FCM_CODES = (
    (messaging.UnregisteredError, "UNREGISTERED"),
    (messaging.SenderIdMismatchError, "SENDER_ID_MISMATCH"),
    (messaging.QuotaExceededError, "QUOTA_EXCEEDED"),
    (messaging.ThirdPartyAuthError, "THIRD_PARTY_AUTH_ERROR"),
)
_MAX_ERROR_CHARS = 200


@dataclass(frozen=True)
class _CredentialFailure:
    reason: str


class FirebaseBackend:
    """Sends pushes through firebase-admin to FCM, or to `endpoint` (an FCM-compatible fake).

    An existing firebase_admin App named `app_name` is reused as it is: one backend per process,
    built from settings. Tests pass a fresh `app_name` per server and call `close()`.

    `max_workers` bounds the threads (and so the requests in flight) of the backend: every `send`
    call, including calls made at once from several threads, shares one pool of that many
    threads, kept for the backend's life (a new pool per call would start and stop
    `max_workers` threads for every small batch). Keep it at 10 or less with a custom
    endpoint: firebase-admin gives fcm.googleapis.com a pool of 100 connections but any other
    host requests' default of 10, beyond which urllib3 discards connections with a warning.
    `timeout` (seconds) applies to each HTTP call, the OAuth one included; firebase-admin's
    own default is 120 s, long for a Celery task.
    """

    name = "fcm"

    def __init__(
        self,
        credentials_path: str,
        endpoint: str = DEFAULT_ENDPOINT,
        max_workers: int = 8,
        app_name: str = "jsc",
        timeout: float = 30.0,
        send_budget: float = 120.0,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        # Seconds after which a send() starts no new message (the rest come back
        # PushOutcome.NOT_ATTEMPTED). With firebase-admin's own retries bounded (see
        # _bound_retries), one send() then lasts at most about the budget plus one
        # message's worst case; the dispatcher's heartbeat keeps the claim meanwhile.
        self.send_budget = send_budget
        self.app = _get_or_create_app(app_name, credentials_path, timeout)
        _point_messaging_at(self.app, endpoint)
        _bound_retries(self.app, pool_size=max_workers)
        # The same google-auth object the messaging session signs requests with
        # (Certificate.get_credential() returns one cached instance), so refreshing it here
        # warms the token for every worker thread.
        self._credential = self.app.credential.get_credential()
        self._auth_request = google.auth.transport.requests.Request()
        self._token_request = functools.partial(self._auth_request, timeout=timeout)
        self._token_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()

    def close(self) -> None:
        """Stop the send threads; delete the firebase_admin App (its HTTP sessions with it)."""
        with self._pool_lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.shutdown(wait=True)
            self._pool = None
        self._auth_request.session.close()
        firebase_admin.delete_app(self.app)

    def _send_pool(self) -> ThreadPoolExecutor:
        # Threads do not survive a fork: a Celery pool process that inherited the backend
        # from its parent starts a pool of its own.
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ThreadPoolExecutor(
                    max_workers=self.max_workers, thread_name_prefix="fcm-send"
                )
                self._pool_pid = os.getpid()
            return self._pool

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results: list[PushResult | _CredentialFailure | None] = [
            oversize_result(message) for message in messages
        ]
        todo = [i for i, result in enumerate(results) if result is None]
        if todo:
            self._ensure_token()
            fcm_messages = _build_messages([messages[i] for i in todo])
            # Bounded concurrency: the backend's pool of max_workers threads, each sending one
            # message with the public `messaging.send`. `send_each` would start one thread per
            # message (its pool is `max_workers=len(messages)`), and feeding it chunks of
            # max_workers would make each chunk wait for its slowest message: one token stuck in
            # the library's ~7 s internal retry would idle the other threads. Here a free thread
            # always takes the next message (of this call or of one made at once from another
            # thread), and a credential failure stops the rest of this call at once.
            stop = threading.Event()
            deadline = time.monotonic() + self.send_budget
            sent = self._send_pool().map(
                functools.partial(self._send_one, stop=stop, deadline=deadline),
                [messages[i] for i in todo],
                fcm_messages,
            )
            for i, result in zip(todo, sent, strict=True):
                results[i] = result
        return _finish(messages, results)

    def _ensure_token(self) -> None:
        """Fetch the OAuth token once, before any message goes out.

        Without this, each worker thread would find no token and fetch its own; and a bad key
        would show up as one failure per message instead of one CredentialError with nothing
        sent.
        """
        with self._token_lock:
            if self._credential.valid:
                return
            try:
                self._credential.refresh(self._token_request)
            except google.auth.exceptions.GoogleAuthError as exc:
                reason = f"cannot get an OAuth token: {type(exc).__name__}: {exc}"
                raise CredentialError(_shorten(reason)) from exc

    def _send_one(
        self,
        message: PushMessage,
        fcm_message: messaging.Message,
        stop: threading.Event,
        deadline: float,
    ) -> PushResult | _CredentialFailure | None:
        if stop.is_set():
            return None  # not attempted: an earlier message hit a credential failure
        if time.monotonic() > deadline:
            return PushResult(
                message=message,
                outcome=PushOutcome.NOT_ATTEMPTED,
                error="not sent: the batch ran out of time",
            )
        try:
            message_id = messaging.send(fcm_message, app=self.app)
        except exceptions.FirebaseError as exc:
            result = _result_for_error(message, exc)
        except google.auth.exceptions.GoogleAuthError as exc:
            # The token expired mid-batch and could not be refreshed.
            result = _CredentialFailure(
                _shorten(f"cannot get an OAuth token: {type(exc).__name__}: {exc}")
            )
        except ValueError as exc:
            # firebase-admin validates the message while encoding it (e.g. a non-string data
            # value, an empty token): permanent, and only this message's problem.
            result = PushResult(
                message=message,
                outcome=PushOutcome.FAILED,
                error_code="INVALID_MESSAGE",
                error=_redact(str(exc), message.token),
            )
        else:
            result = PushResult(message=message, outcome=PushOutcome.SENT, message_id=message_id)
        if isinstance(result, _CredentialFailure):
            stop.set()
        return result


def _get_or_create_app(name: str, credentials_path: str, timeout: float) -> firebase_admin.App:
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        pass  # not initialised yet
    try:
        certificate = credentials.Certificate(credentials_path)
    except (OSError, ValueError) as exc:
        # ValueError covers bad JSON, a wrong "type" and an unreadable private key.
        raise CredentialError(
            _shorten(f"cannot load the service-account file: {type(exc).__name__}: {exc}")
        ) from exc
    try:
        return firebase_admin.initialize_app(certificate, {"httpTimeout": timeout}, name=name)
    except ValueError:
        # Another thread initialised it between our get_app and initialize_app.
        return firebase_admin.get_app(name)


def _point_messaging_at(app: firebase_admin.App, endpoint: str) -> None:
    """Make `app`'s messaging service post to `endpoint` instead of fcm.googleapis.com.

    firebase-admin has no option for this. The URL comes from the class attribute
    `_MessagingService.FCM_URL`, formatted with the project id once, in `__init__`, into the
    instance attribute `_fcm_url`; the instance is cached on the App. Setting the class attribute
    would redirect every App in the process whose service is created later, and would not reach
    a service created already. So we set the instance attribute of this App's service, and check
    it took: if a firebase-admin upgrade renames it, we fail here rather than send to the real
    FCM from a test or staging.
    """
    service = messaging._get_messaging_service(app)
    wanted = endpoint.rstrip("/") + SEND_PATH.format(app.project_id)
    if not isinstance(getattr(service, "_fcm_url", None), str):
        raise RuntimeError(
            "firebase-admin's messaging service has no _fcm_url: cannot honour FCM_ENDPOINT"
        )
    service._fcm_url = wanted


def _bound_retries(app: firebase_admin.App, *, pool_size: int) -> None:
    """Keep firebase-admin's own retries short, and leave Retry-After to us.

    Its session retries 500/503 four times with 0-4 s backoff, and also sleeps whatever a
    429's or 503's Retry-After says (urllib3 allows up to 6 hours) before our code sees the
    answer: a claim could outlive its lease and the push go out twice. Mounted on the
    session (a public property of the client) is the same retry policy minus the
    Retry-After sleeps: a 429 comes straight back with its Retry-After, and the dispatcher
    schedules the retry in the database. The pool is sized for our threads too.
    """
    service = messaging._get_messaging_service(app)
    session = getattr(getattr(service, "_client", None), "session", None)
    if session is None:
        raise RuntimeError("firebase-admin's messaging client has no session: cannot bound retries")
    retries = _http_client.DEFAULT_RETRY_CONFIG.new(respect_retry_after_header=False)
    adapter = requests.adapters.HTTPAdapter(
        max_retries=retries, pool_connections=pool_size, pool_maxsize=pool_size
    )
    for prefix in ("http://", "https://", "https://fcm.googleapis.com"):
        session.mount(prefix, adapter)


def _build_messages(messages: Sequence[PushMessage]) -> list[messaging.Message]:
    with warnings.catch_warnings():
        # firebase-admin 7.5+ warns that Message.token is deprecated in favour of `fid`. But
        # `fid` targets a Firebase installation id (it is sent as "fid"), not the registration
        # token the apps get from getToken() and register with us; `token` is still the only
        # field for those. Built here, in the calling thread, because catch_warnings changes
        # process-wide state and is not safe to use from the worker threads.
        warnings.filterwarnings(
            "ignore", message=r"Message\.token is deprecated", category=DeprecationWarning
        )
        return [
            messaging.Message(
                token=message.token,
                notification=messaging.Notification(title=message.title, body=message.body),
                data=dict(message.data),
                # High priority wakes the phone from Doze: an alert is meant to be seen now.
                android=_android(message),
                apns=_apns(message),
                webpush=_webpush(message),
            )
            for message in messages
        ]


# A push may reach FCM twice (a worker killed between the send and writing it down, see
# docs/alerts-reliability.md). The collapse id makes the second copy replace the first
# on the phone: Android's notification tag (and collapse_key, for a copy still queued at
# FCM), APNs' apns-collapse-id header, and web push's Topic header.


def _android(message: PushMessage) -> messaging.AndroidConfig:
    if not message.collapse_id:
        return messaging.AndroidConfig(priority="high")
    return messaging.AndroidConfig(
        priority="high",
        collapse_key=message.collapse_id,
        notification=messaging.AndroidNotification(tag=message.collapse_id),
    )


def _apns(message: PushMessage) -> messaging.APNSConfig | None:
    if not message.collapse_id:
        return None
    # APNs allows at most 64 bytes here.
    return messaging.APNSConfig(headers={"apns-collapse-id": message.collapse_id[:64]})


def _webpush(message: PushMessage) -> messaging.WebpushConfig | None:
    if not message.collapse_id:
        return None
    # RFC 8030's Topic: at most 32 characters of the URL-safe base64 alphabet (an alert's
    # UUID without its hyphens is exactly 32).
    topic = "".join(c for c in message.collapse_id if c.isalnum())[:32]
    return messaging.WebpushConfig(headers={"Topic": topic})


def _result_for_error(
    message: PushMessage, exc: exceptions.FirebaseError
) -> PushResult | _CredentialFailure:
    code = next((c for cls, c in _FCM_CODES if isinstance(exc, cls)), None) or exc.code
    error = _redact(f"{type(exc).__name__}: {exc}", message.token)
    if isinstance(exc, _DEAD_TOKEN):
        outcome = PushOutcome.DEAD_TOKEN
    elif isinstance(exc, _CREDENTIAL):
        return _CredentialFailure(f"FCM refused our credentials ({code}): {error}")
    elif isinstance(exc, _RETRYABLE):
        return PushResult(
            message=message,
            outcome=PushOutcome.RETRY,
            error_code=code,
            error=error,
            retry_after=_retry_after(exc),
        )
    else:
        outcome = PushOutcome.FAILED
    return PushResult(message=message, outcome=outcome, error_code=code, error=error)


def _finish(
    messages: Sequence[PushMessage], results: list[PushResult | _CredentialFailure | None]
) -> list[PushResult]:
    failure = next((r for r in results if isinstance(r, _CredentialFailure)), None)
    if failure is None:
        # Without a credential failure no message is skipped: every slot holds a PushResult.
        return cast(list[PushResult], results)
    partial = [
        r
        if isinstance(r, PushResult)
        else PushResult(message=message, outcome=PushOutcome.CREDENTIAL_PAUSE, error=failure.reason)
        for message, r in zip(messages, results, strict=True)
    ]
    raise CredentialError(failure.reason, partial)


def _retry_after(exc: exceptions.FirebaseError) -> float | None:
    response = exc.http_response
    return parse_retry_after(response.headers.get("Retry-After") if response is not None else None)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": an HTTP-date is GMT anyway
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _redact(text: str, token: str) -> str:
    # FCM's messages do not echo the token today; make sure one never reaches a log or a row.
    if token:
        text = text.replace(token, token_hint(token))
    return _shorten(text)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 3] + "..."
