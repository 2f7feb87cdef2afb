"""A local fake of FCM's HTTP v1 API and of Google's OAuth token endpoint.

The real firebase-admin client talks to it over HTTP: point a service-account file's token_uri
at `fake.token_url` (see `make_service_account`) and the backend's endpoint at `fake.url`.

    with FakeFCM() as fake:
        fake.script("tok-1", unavailable(), ok())
        ...
        assert fake.count("tok-1") == 2
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.server import LocalServer

ACCESS_TOKEN = "fake-token"
PROJECT_ID = "jsc-test"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"


@dataclass(frozen=True)
class FakeResponse:
    status: int
    body: dict[str, Any] | None = None  # None on 200: the fake makes up a message name
    headers: dict[str, str] = field(default_factory=dict)


def ok() -> FakeResponse:
    return FakeResponse(200)


def fcm_error(
    status: int,
    grpc_status: str,
    error_code: str | None = None,
    message: str = "",
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    """An FCM v1 error body, with the FcmError detail when `error_code` is given."""
    error: dict[str, Any] = {"code": status, "message": message, "status": grpc_status}
    if error_code:
        error["details"] = [{"@type": _FCM_ERROR_TYPE, "errorCode": error_code}]
    return FakeResponse(status, {"error": error}, headers or {})


def unregistered() -> FakeResponse:
    return fcm_error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.")


def invalid_argument() -> FakeResponse:
    return fcm_error(
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
    )


def unavailable(retry_after: int | None = None) -> FakeResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return fcm_error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is unavailable.", headers)


def internal() -> FakeResponse:
    return fcm_error(500, "INTERNAL", "INTERNAL", "Internal error encountered.")


def quota_exceeded(retry_after: str | int | None = 1) -> FakeResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return fcm_error(
        429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded for this device.", headers
    )


def sender_id_mismatch() -> FakeResponse:
    return fcm_error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch")


def permission_denied() -> FakeResponse:
    """403 without an FcmError detail: the service account may not send (a credential problem)."""
    return fcm_error(
        403,
        "PERMISSION_DENIED",
        None,
        "Permission 'cloudmessaging.messages.create' denied on resource.",
    )


class FakeFCM(LocalServer):
    """Fake FCM + OAuth server on 127.0.0.1, an ephemeral port, a background thread."""

    def __init__(self, project_id: str = PROJECT_ID, latency: float = 0.0) -> None:
        self.project_id = project_id
        # Seconds each send request takes: makes concurrency observable in tests.
        self.latency = latency
        # What the token endpoint answers; set with fail_token_endpoint().
        self.token_response = FakeResponse(
            200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )
        # The bearer token the send endpoint accepts; anything else gets 401.
        self.accepted_token = ACCESS_TOKEN
        self.token_requests = 0
        # Answered to every send while set (fail_all): an outage of the whole service.
        self.fault: FakeResponse | None = None
        # (token, data.alert_id) of every send answered 200, in order: what reached phones.
        self._delivered: list[tuple[str, str]] = []
        self.statuses: dict[int, int] = defaultdict(int)
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._authorizations: list[str | None] = []
        self._counts: dict[str, int] = defaultdict(int)
        self._scripts: dict[str, deque[FakeResponse]] = defaultdict(deque)
        self._names: dict[str, str] = {}  # message name -> token, to check result order
        self._ids = itertools.count(1)
        self._serve(_handler_for(self))

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    # -- scripting --------------------------------------------------------------------------

    def script(self, token: str, *responses: FakeResponse) -> None:
        """Queue answers for `token`'s next send requests; when the queue is empty, 200."""
        with self._lock:
            self._scripts[token].extend(responses)

    def fail_all(self, response: FakeResponse) -> None:
        """Answer every send with `response` (503, 429 with Retry-After, ...) until heal()."""
        self.fault = response

    def reject_credentials(self) -> None:
        """Refuse our service account: the token endpoint says invalid_grant and every send
        with the token issued before answers 401 (a revoked key)."""
        self.fail_token_endpoint()
        self.accepted_token = "revoked-" + ACCESS_TOKEN

    def heal(self) -> None:
        """End fail_all and reject_credentials."""
        self.fault = None
        self.token_response = FakeResponse(
            200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )
        self.accepted_token = ACCESS_TOKEN

    def fail_token_endpoint(self, status: int = 400, body: dict[str, Any] | None = None) -> None:
        """Make the OAuth endpoint refuse: by default as Google does for a revoked key."""
        self.token_response = FakeResponse(
            status, body or {"error": "invalid_grant", "error_description": "Invalid JWT."}
        )

    # -- what happened ----------------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every send request body (parsed JSON), in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def authorizations(self) -> list[str | None]:
        """The Authorization header of every send request, in arrival order."""
        with self._lock:
            return list(self._authorizations)

    @property
    def delivered(self) -> list[tuple[str, str]]:
        """(token, alert_id) of every send answered 200, in arrival order."""
        with self._lock:
            return list(self._delivered)

    def count(self, token: str) -> int:
        """How many send requests arrived for `token`."""
        with self._lock:
            return self._counts[token]

    def token_for_name(self, name: str) -> str | None:
        """The token that a message name the fake answered with was sent to."""
        with self._lock:
            return self._names.get(name)

    # -- the handler's side -----------------------------------------------------------------

    def _answer_token(self) -> FakeResponse:
        with self._lock:
            self.token_requests += 1
        return self.token_response

    def _answer_send(
        self, project: str, body: dict[str, Any], authorization: str | None
    ) -> FakeResponse:
        response = self._answer_send_unrecorded(project, body, authorization)
        with self._lock:
            self.statuses[response.status] += 1
            if response.status == 200:
                message = body.get("message", {})
                alert_id = (message.get("data") or {}).get("alert_id", "")
                self._delivered.append((message.get("token", ""), alert_id))
        return response

    def _answer_send_unrecorded(
        self, project: str, body: dict[str, Any], authorization: str | None
    ) -> FakeResponse:
        token = body.get("message", {}).get("token", "")
        with self._lock:
            self._requests.append(body)
            self._authorizations.append(authorization)
            self._counts[token] += 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if authorization != f"Bearer {self.accepted_token}":
                return fcm_error(
                    401, "UNAUTHENTICATED", None, "Request had invalid authentication credentials."
                )
            fault = self.fault
            if fault is not None:
                return fault
            with self._lock:
                queue = self._scripts.get(token)
                scripted = queue.popleft() if queue else ok()
                if scripted.status != 200 or scripted.body is not None:
                    return scripted
                name = f"projects/{project}/messages/{next(self._ids)}"
                self._names[name] = token
            return FakeResponse(200, {"name": name}, scripted.headers)
        finally:
            with self._lock:
                self._in_flight -= 1


def _handler_for(fake: FakeFCM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as the real client expects: firebase-admin reuses pooled connections.
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds
        # ~40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            if path == "/token":
                # A form-encoded JWT grant; the fake does not check the signature.
                self._reply(fake._answer_token())
                return
            prefix, suffix = "/v1/projects/", "/messages:send"
            if path.startswith(prefix) and path.endswith(suffix):
                project = path[len(prefix) : -len(suffix)]
                if project != fake.project_id:
                    self._reply(fcm_error(404, "NOT_FOUND", None, "Unknown project."))
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._reply(fcm_error(400, "INVALID_ARGUMENT", None, "Invalid JSON."))
                    return
                self._reply(fake._answer_send(project, body, self.headers.get("Authorization")))
                return
            self._reply(FakeResponse(404, {"error": {"code": 404, "status": "NOT_FOUND"}}))

        def _reply(self, response: FakeResponse) -> None:
            payload = json.dumps(response.body or {}).encode()
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep test output clean

    return Handler


_KEY_PEM: bytes | None = None


def _private_key_pem() -> bytes:
    # One key per test session: generating RSA keys is the slow part of each test's setup, and
    # the fake does not check signatures anyway.
    global _KEY_PEM
    if _KEY_PEM is None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _KEY_PEM = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    return _KEY_PEM


def make_service_account(tmp_path: Path, token_uri: str, project_id: str = PROJECT_ID) -> Path:
    """Write a service-account JSON whose OAuth endpoint is `token_uri`; return its path."""
    client_email = f"push@{project_id}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": uuid.uuid4().hex,
        "private_key": _private_key_pem().decode(),
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    path = tmp_path / f"service-account-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(info, indent=2))
    return path
