"""The one place that talks to SATUSEHAT over HTTP (requests).

OAuth2 client credentials: ``POST {auth}/accesstoken?grant_type=client_credentials``
with the client id and secret as a form; the token is kept until shortly before it
expires (the platform gives about an hour) and fetched again once when a call answers
401. Calls are retried here a few times, briefly, on 5xx, 429 and network errors,
honouring Retry-After when it asks for a short wait; a longer wait, or an outage that
outlasts the retries, comes back as ``Unavailable`` for the outbox to schedule. A 4xx
is never retried: the platform's words come back in ``Refused``. docs/satusehat.md,
"The client".
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

import requests

from .errors import CredentialsRefused, RateLimited, Refused, Unavailable, outcome_text

FHIR_JSON = "application/fhir+json"
# A token is fetched again this long before the platform says it expires, so a call
# never leaves with a token that dies on the way (also no more than a tenth of its life).
TOKEN_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict | None
    location: str = ""


def _retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now())


def _json(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class SatusehatClient:
    """A FHIR R4 client for one SATUSEHAT environment and one set of credentials.

    Thread-safe; one per process (``satusehat.backends.get_client``). ``timeout`` is
    (connect, read) seconds for every call. ``attempts`` bounds the calls one request
    makes on 5xx/429/network errors, ``backoff`` is the first wait between them (doubled
    each time, with jitter) and ``max_wait`` the longest Retry-After honoured here.
    """

    def __init__(
        self,
        *,
        auth_url: str,
        fhir_url: str,
        client_id: str,
        client_secret: str,
        timeout: tuple[float, float] = (5.0, 30.0),
        attempts: int = 3,
        backoff: float = 0.5,
        max_wait: float = 10.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.auth_url = auth_url.rstrip("/")
        self.fhir_url = fhir_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self._session = session or requests.Session()
        self._clock = clock
        self._sleep = sleep
        self._token = ""
        self._token_until = 0.0
        self._token_lock = threading.Lock()

    def close(self) -> None:
        self._session.close()

    # -- the token -------------------------------------------------------------------------

    def access_token(self) -> str:
        """The cached token, or a new one when it is about to expire."""
        with self._token_lock:
            if self._token and self._clock() < self._token_until:
                return self._token
            answer = self._send(
                "POST",
                f"{self.auth_url}/accesstoken",
                params={"grant_type": "client_credentials"},
                data={"client_id": self._client_id, "client_secret": self._client_secret},
                token=None,
            )
            body = answer.body or {}
            token = body.get("access_token")
            try:
                lifetime = float(body.get("expires_in", 0))  # the platform sends a string
            except (TypeError, ValueError):
                lifetime = 0.0
            if not token or lifetime <= 0:
                raise Unavailable("the SATUSEHAT token endpoint gave no usable token")
            margin = min(TOKEN_MARGIN_SECONDS, lifetime / 10)
            self._token, self._token_until = str(token), self._clock() + lifetime - margin
            return self._token

    def forget_token(self) -> None:
        with self._token_lock:
            self._token, self._token_until = "", 0.0

    # -- FHIR ------------------------------------------------------------------------------

    def search(self, resource_type: str, params: dict[str, str]) -> list[dict]:
        """The resources of a searchset Bundle (``GET {fhir}/{type}?...``)."""
        answer = self._fhir("GET", resource_type, params=params)
        entries = (answer.body or {}).get("entry") or []
        return [e["resource"] for e in entries if isinstance(e, dict) and "resource" in e]

    def create(self, resource: dict) -> str:
        """``POST {fhir}/{type}``; the id the platform gave the new resource."""
        answer = self._fhir("POST", resource["resourceType"], json=resource)
        return self._id_of(answer)

    def update(self, resource: dict) -> str:
        """``PUT {fhir}/{type}/{id}``: the resource replaced; its id."""
        path = f"{resource['resourceType']}/{resource['id']}"
        self._fhir("PUT", path, json=resource)
        return str(resource["id"])

    @staticmethod
    def _id_of(answer: Answer) -> str:
        if answer.body and answer.body.get("id"):
            return str(answer.body["id"])
        # No body (Prefer: return=minimal): the Location header names it,
        # ".../Encounter/<id>/_history/<version>".
        parts = answer.location.rstrip("/").split("/")
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        if len(parts) >= 2 and parts[-1]:
            return parts[-1]
        raise Unavailable(f"SATUSEHAT answered HTTP {answer.status} without the resource's id")

    def _fhir(self, method: str, path: str, **kwargs) -> Answer:
        """A FHIR call with the token; a 401 fetches a new token and tries once more."""
        for renewed in (False, True):
            try:
                return self._send(
                    method, f"{self.fhir_url}/{path}", token=self.access_token(), **kwargs
                )
            except CredentialsRefused:
                if renewed:
                    raise
                self.forget_token()  # revoked or expired early: one fresh token, one more try
        raise AssertionError("unreachable")

    # -- one request, with the retries -----------------------------------------------------

    def _send(self, method: str, url: str, *, token: str | None, **kwargs) -> Answer:
        headers = {"Accept": FHIR_JSON if token else "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if "json" in kwargs:
            headers["Content-Type"] = FHIR_JSON
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._session.request(
                    method, url, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                # Only the exception's type: its text holds the URL, and with it a NIK.
                error: Unavailable = Unavailable(f"no answer from SATUSEHAT ({type(exc).__name__})")
                wait = self.backoff * 2 ** (attempt - 1)
            else:
                status = response.status_code
                body = _json(response)
                if status < 400:
                    return Answer(status, body, response.headers.get("Location", ""))
                if status == 401 or (token is None and status < 500 and status != 429):
                    # The token endpoint refusing (invalid_client comes as 400 or 401; a
                    # 404 is a wrong SATUSEHAT_AUTH_URL): no call can succeed.
                    raise CredentialsRefused(
                        f"SATUSEHAT refused the credentials (HTTP {status}): {outcome_text(body)}"
                    )
                if status != 429 and status < 500:
                    raise Refused(status, outcome_text(body))
                retry_after = _retry_after(response.headers.get("Retry-After"))
                kind = RateLimited if status == 429 else Unavailable
                words = outcome_text(body)
                error = kind(
                    f"SATUSEHAT answered HTTP {status}" + (f": {words}" if words else ""),
                    status=status,
                    retry_after=retry_after,
                )
                if retry_after is not None and retry_after > self.max_wait:
                    raise error  # a long wait is the outbox's to schedule, not a worker's
                wait = retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1)
            if attempt == self.attempts:
                raise error
            self._sleep(wait * random.uniform(1.0, 1.25))
        raise AssertionError("unreachable")
