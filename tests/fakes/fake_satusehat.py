"""A local fake of SATUSEHAT: its OAuth2 token endpoint and its FHIR R4 API.

The service's real client talks to it over HTTP (SATUSEHAT_ENV=custom with
SATUSEHAT_AUTH_URL and SATUSEHAT_FHIR_URL pointed here). Like the platform it hands out
bearer tokens for a client id and secret, answers the Patient search by NIK with an IHS
number, creates, updates, reads and searches (by identifier) every other resource, and
refuses what is not valid FHIR R4 (validated with fhir.resources' R4B models) with a 400
and an OperationOutcome. Tests script 401, 429, 500 and 400 answers; a developer starts
it beside `make run`:

    .venv/bin/python -m tests.fakes.fake_satusehat --port 8090

and prints what to export. In tests:

    with FakeSatusehat() as fake:
        fake.script("POST", "Encounter", refused("Encounter.period is required"))
        ...
        assert fake.count("POST", "Encounter") == 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.server import LocalServer

NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
IHS_SYSTEM = "https://fhir.kemkes.go.id/id/ihs-number"
CLIENT_ID = "jsc-fake-client"
CLIENT_SECRET = "jsc-fake-secret"
AUTH_PATH = "/oauth2/v1"
FHIR_PATH = "/fhir-r4/v1"


@dataclass(frozen=True)
class FakeResponse:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def operation_outcome(status: int, text: str, code: str = "invalid", **headers) -> FakeResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "details": {"text": text}}],
    }
    return FakeResponse(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


def refused(text: str = "Resource is not valid") -> FakeResponse:
    """400, as the platform refuses a resource it will not take."""
    return operation_outcome(400, text)


def too_many_requests(retry_after: int | str | None = 1) -> FakeResponse:
    headers = {} if retry_after is None else {"Retry_After": str(retry_after)}
    return operation_outcome(429, "Too many requests", "throttled", **headers)


def server_error(status: int = 500) -> FakeResponse:
    return operation_outcome(status, "Internal server error", "exception")


def unauthorized() -> FakeResponse:
    return operation_outcome(401, "Access token is invalid", "security")


def ihs_number(nik: str) -> str:
    """The IHS number the fake's national index gives a NIK (stable, made up)."""
    return "P" + str(int(hashlib.sha256(nik.encode()).hexdigest(), 16))[:11]


def _validation_error(resource: dict) -> str | None:
    """None when ``resource`` is valid FHIR R4 (R4B models), else the problem in words."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        model = get_fhir_model_class(str(resource.get("resourceType")))
    except (KeyError, ValueError):
        return f"Unknown resourceType {resource.get('resourceType')!r}"
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
    return None


class FakeSatusehat(LocalServer):
    """The fake on 127.0.0.1 (an ephemeral port unless given), in a background thread."""

    def __init__(
        self,
        *,
        port: int = 0,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        token_lifetime: int = 3599,
        latency: float = 0.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.latency = latency
        # NIKs the national index does not know (every other NIK is known).
        self.unknown_niks: set[str] = set()
        self.credentials_valid = True
        self.fault: FakeResponse | None = None
        self.token_requests = 0
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._store: dict[str, dict[str, dict]] = defaultdict(dict)  # type -> id -> resource
        self._scripts: dict[tuple[str, str], deque[FakeResponse]] = defaultdict(deque)
        self._calls: list[dict[str, Any]] = []
        self._holds: dict[tuple[str, str], threading.Event] = {}
        self.held = threading.Event()
        self._serve(_handler_for(self), port)

    @property
    def auth_url(self) -> str:
        return self.url + AUTH_PATH

    @property
    def fhir_url(self) -> str:
        return self.url + FHIR_PATH

    def environment(self) -> dict[str, str]:
        """The settings that point the service here."""
        return {
            "SATUSEHAT_ENV": "custom",
            "SATUSEHAT_AUTH_URL": self.auth_url,
            "SATUSEHAT_FHIR_URL": self.fhir_url,
            "SATUSEHAT_CLIENT_ID": self.client_id,
            "SATUSEHAT_CLIENT_SECRET": self.client_secret,
        }

    def stop(self) -> None:
        for event in list(self._holds.values()):
            event.set()
        super().stop()

    # -- scripting --------------------------------------------------------------------------

    def script(self, method: str, resource_type: str, *responses: FakeResponse) -> None:
        """Answer the next ``method`` calls on ``resource_type`` with ``responses`` (then as
        usual). ``"GET", "Patient"`` is the search by NIK."""
        with self._lock:
            self._scripts[(method.upper(), resource_type)].extend(responses)

    def fail_all(self, response: FakeResponse) -> None:
        """Answer every FHIR call with ``response`` (an outage, a 429 storm) until heal()."""
        self.fault = response

    def reject_credentials(self) -> None:
        """The client id and secret are refused, and every token given so far with them."""
        with self._lock:
            self.credentials_valid = False
            self._tokens.clear()

    def heal(self) -> None:
        self.fault = None
        self.credentials_valid = True

    def hold(self, method: str, resource_type: str) -> threading.Event:
        """The next ``method`` on ``resource_type`` is carried out (stored), then not
        answered until the returned event is set: a client killed while it waits has
        made the resource without learning its id. ``held`` is set once it waits."""
        event = threading.Event()
        self._holds[(method.upper(), resource_type)] = event
        return event

    # -- what happened ----------------------------------------------------------------------

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every FHIR call: method, resource type, id, query and body, in arrival order."""
        with self._lock:
            return list(self._calls)

    def count(self, method: str, resource_type: str) -> int:
        return sum(
            1
            for c in self.calls
            if c["method"] == method.upper() and c["resource_type"] == resource_type
        )

    def resources(self, resource_type: str) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(r)) for r in self._store[resource_type].values()]

    def resource(self, resource_type: str, resource_id: str) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._store[resource_type][resource_id]))

    def with_identifier(self, resource_type: str, system: str, value: str) -> list[dict]:
        return [r for r in self.resources(resource_type) if _has_identifier(r, system, value)]

    # -- the platform -----------------------------------------------------------------------

    def _token(self, form: dict[str, str]) -> FakeResponse:
        with self._lock:
            self.token_requests += 1
            good = (
                self.credentials_valid
                and form.get("client_id") == self.client_id
                and form.get("client_secret") == self.client_secret
            )
            if not good:
                return FakeResponse(401, {"ErrorCode": "invalid_client", "Error": "Invalid client"})
            token = "fake-" + uuid.uuid4().hex
            self._tokens.add(token)
        # As the platform answers: numbers as strings, more fields than a client needs.
        return FakeResponse(
            200,
            {
                "access_token": token,
                "expires_in": str(self.token_lifetime),
                "token_type": "BearerToken",
                "issued_at": str(int(time.time() * 1000)),
                "client_id": self.client_id,
                "status": "approved",
            },
        )

    def _fhir(
        self, method: str, parts: list[str], query: dict[str, str], body: Any, token: str
    ) -> FakeResponse:
        resource_type = parts[0] if parts else ""
        resource_id = parts[1] if len(parts) > 1 else ""
        with self._lock:
            self._calls.append(
                {
                    "method": method,
                    "resource_type": resource_type,
                    "id": resource_id,
                    "query": query,
                    "body": body,
                }
            )
            if token not in self._tokens:
                return unauthorized()
            if self.fault is not None:
                return self.fault
            scripted = self._scripts.get((method, resource_type))
            if scripted:
                return scripted.popleft()
        if method == "GET" and not resource_id:
            return self._search(resource_type, query)
        if method == "GET":
            found = self._store[resource_type].get(resource_id)
            if found is None:
                return operation_outcome(
                    404, f"{resource_type}/{resource_id} not found", "not-found"
                )
            return FakeResponse(200, found)
        if method in ("POST", "PUT"):
            return self._write(method, resource_type, resource_id, body)
        return operation_outcome(405, "Method not allowed", "not-supported")

    def _search(self, resource_type: str, query: dict[str, str]) -> FakeResponse:
        system, _, value = query.get("identifier", "").partition("|")
        if resource_type == "Patient" and system == NIK_SYSTEM:
            found = [] if value in self.unknown_niks else [_patient(value)]
        else:
            found = self.with_identifier(resource_type, system, value)
        return FakeResponse(
            200,
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": len(found),
                "entry": [{"resource": r} for r in found],
            },
        )

    def _write(self, method: str, resource_type: str, resource_id: str, body: Any) -> FakeResponse:
        if not isinstance(body, dict) or body.get("resourceType") != resource_type:
            return refused(f"The body is not a {resource_type}")
        if problem := _validation_error(body) or self._dangling_reference(body):
            return refused(problem)
        with self._lock:
            if method == "PUT":
                if resource_id not in self._store[resource_type] or body.get("id") != resource_id:
                    return operation_outcome(
                        404, f"{resource_type}/{resource_id} not found", "not-found"
                    )
                version = int(self._store[resource_type][resource_id]["meta"]["versionId"]) + 1
            else:
                resource_id, version = str(uuid.uuid4()), 1
            stored = {**body, "id": resource_id, "meta": {"versionId": str(version)}}
            self._store[resource_type][resource_id] = stored
        hold = self._holds.pop((method, resource_type), None)
        if hold is not None:
            self.held.set()
            hold.wait(timeout=120)
        location = f"{self.fhir_url}/{resource_type}/{resource_id}/_history/{version}"
        return FakeResponse(201 if method == "POST" else 200, stored, {"Location": location})

    def _dangling_reference(self, resource: dict) -> str | None:
        """Like the platform, refuse a reference to an episode or encounter it lacks: a
        resource sent before the one it points to is refused."""
        references = [resource.get("encounter") or {}, *(resource.get("episodeOfCare") or [])]
        for reference in references:
            target_type, _, target_id = str(reference.get("reference", "")).partition("/")
            if target_type and target_id not in self._store[target_type]:
                return f"{target_type}/{target_id} does not exist"
        return None


def _patient(nik: str) -> dict:
    # The national index answers with the IHS number as the id and nothing personal
    # that the service would need: it never reads more than the id.
    return {
        "resourceType": "Patient",
        "id": ihs_number(nik),
        "identifier": [{"system": IHS_SYSTEM, "value": ihs_number(nik)}],
        "active": True,
    }


def _has_identifier(resource: dict, system: str, value: str) -> bool:
    return any(
        i.get("system") == system and i.get("value") == value
        for i in resource.get("identifier") or []
    )


def _handler_for(fake: FakeSatusehat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request line carries a NIK: the fake's console stays quiet

        def _read(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _answer(self, response: FakeResponse) -> None:
            payload = b"" if response.body is None else json.dumps(response.body).encode()
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass

        def _handle(self, method: str) -> None:
            raw = self._read()
            if fake.latency:
                time.sleep(fake.latency)
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            if split.path == AUTH_PATH + "/accesstoken" and method == "POST":
                if query.get("grant_type") != "client_credentials":
                    self._answer(FakeResponse(400, {"error": "unsupported_grant_type"}))
                    return
                form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
                self._answer(fake._token(form))
                return
            if not split.path.startswith(FHIR_PATH + "/"):
                self._answer(operation_outcome(404, "Not found", "not-found"))
                return
            parts = [p for p in split.path[len(FHIR_PATH) + 1 :].split("/") if p]
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                self._answer(refused("The body is not JSON"))
                return
            self._answer(fake._fhir(method, parts, query, body, token))

        def do_GET(self) -> None:  # noqa: N802 (http.server's names)
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

        def do_PUT(self) -> None:  # noqa: N802
            self._handle("PUT")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake SATUSEHAT for `make run`.")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument(
        "--unknown-nik", action="append", default=[], help="a NIK the national index lacks"
    )
    args = parser.parse_args()
    fake = FakeSatusehat(port=args.port)
    fake.unknown_niks.update(args.unknown_nik)
    fake.start()
    print("Fake SATUSEHAT listening. Run the service with:")
    for name, value in fake.environment().items():
        print(f"  export {name}={value}")
    print("Ctrl-C stops it.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
