"""Steady load, as midwives' phones send it: registrations, and urgent visits (a danger
sign) to the pregnancies they registered. A client-made id per request, and the same
id with the same body again after any failure (a dropped connection, a 5xx) until the
service answers 200 or 201."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import requests

from tests.pregnancies.helpers import build_nik

_numbers = itertools.count(1)
_numbers_lock = threading.Lock()

# Answers after which the same request is sent again: the service or its proxy is down
# or restarting. Any other status is final.
RETRYABLE = {429, 500, 502, 503, 504}


@dataclass
class Registration:
    id: str
    nik: str
    status: int | None = None  # the final answer; None while in flight or given up
    tries: int = 0
    by: str = ""  # the midwife whose phone sent it


def registration_body(today: date) -> tuple[str, dict]:
    with _numbers_lock:
        n = next(_numbers)
    dob = date(1994, 1, 1) + timedelta(days=n % 3000)
    nik = build_nik(dob, serial=1 + n // 3000)
    rid = str(uuid.uuid4())
    return rid, {
        "id": rid,
        "mother": {
            "nik": nik,
            "full_name": "Ibu Beban",
            "date_of_birth": dob.isoformat(),
            "phone": "+6281300000000",
        },
        # 12 to 39 weeks pregnant: some are due soon enough to owe an alert at once.
        "lmp": (today - timedelta(days=84 + n * 37 % 190)).isoformat(),
        "gravida": 1,
        "para": 0,
        "abortus": 0,
        "height_cm": 152,
        "risk_factors": [],
    }


class RegistrationLoad:
    def __init__(
        self, base_url: str, midwives: list[str], password: str, *, today: date, every: float
    ) -> None:
        self.base_url = base_url
        self.midwives = midwives
        self.password = password
        self.today = today
        self.every = every
        self.sent: list[Registration] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> RegistrationLoad:
        for username in self.midwives:
            thread = threading.Thread(target=self._run, args=(username,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 120) -> None:
        """Start no new registration; let those in flight finish (retrying)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))

    def _run(self, username: str) -> None:
        phone = Phone(self.base_url, username, self.password)
        while not self._stop.is_set():
            started = time.monotonic()
            rid, body = registration_body(self.today)
            registration = Registration(id=rid, nik=body["mother"]["nik"], by=username)
            with self._lock:
                self.sent.append(registration)
            # Once begun, a registration is retried until it is answered, even after
            # stop(): the phone keeps it in its outbox until the server has it.
            status, registration.tries = phone.post_until_answered("/api/v1/pregnancies/", body)
            registration.status = status
            wait = self.every - (time.monotonic() - started)
            if wait > 0:
                self._stop.wait(wait)


class Phone:
    """One midwife's phone: it signs in when it must, and sends a request again after
    any failure (a dropped connection, a 5xx, an expired token) until it is answered."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self.username = username
        self.password = password
        self.session = requests.Session()
        self.token: str | None = None

    def post_until_answered(self, path: str, body: dict) -> tuple[int, int]:
        """The final status and how many tries it took."""
        tries = 0
        while True:
            tries += 1
            try:
                if self.token is None:
                    self.token = self._login()
                response = self.session.post(
                    f"{self.base_url}{path}",
                    json=body,
                    headers={"Authorization": f"Bearer {self.token}"},
                    timeout=30,
                )
            except requests.RequestException:
                self.token = None
                time.sleep(0.5)
                continue
            if response.status_code == 401:
                self.token = None
            elif response.status_code in RETRYABLE:
                time.sleep(0.5)
            else:
                return response.status_code, tries

    def _login(self) -> str:
        response = self.session.post(
            f"{self.base_url}/api/v1/auth/token/",
            json={"username": self.username, "password": self.password},
            timeout=30,
        )
        if response.status_code != 200:
            raise requests.RequestException(f"login answered {response.status_code}")
        return response.json()["access"]


@dataclass
class UrgentVisit:
    id: str
    pregnancy: str
    status: int | None = None


class UrgentVisitLoad:
    """Each midwife records, every ``every`` seconds, a visit with a danger sign to a
    pregnancy she registered in this phase: each owes a ``danger_sign`` alert pushed at
    once (docs/alerts-urgent.md), which the suite's books count like any other alert."""

    def __init__(self, registrations: RegistrationLoad, *, every: float) -> None:
        self.registrations = registrations
        self.every = every
        self.sent: list[UrgentVisit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> UrgentVisitLoad:
        for username in self.registrations.midwives:
            thread = threading.Thread(target=self._run, args=(username,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 120) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))

    def _next_pregnancy(self, username: str, visited: set[str]) -> str | None:
        with self.registrations._lock:
            mine = [
                r.id for r in self.registrations.sent if r.by == username and r.status in (200, 201)
            ]
        return next((rid for rid in mine if rid not in visited), None)

    def _run(self, username: str) -> None:
        load = self.registrations
        phone = Phone(load.base_url, username, load.password)
        visited: set[str] = set()
        while not self._stop.wait(self.every):
            pregnancy = self._next_pregnancy(username, visited)
            if pregnancy is None:
                continue
            visited.add(pregnancy)
            visit = UrgentVisit(id=str(uuid.uuid4()), pregnancy=pregnancy)
            with self._lock:
                self.sent.append(visit)
            body = {
                "id": visit.id,
                "date": load.today.isoformat(),
                "systolic": 150,
                "diastolic": 100,
                "danger_signs": ["severe_headache"],
            }
            # Retried until answered, even after stop(), like a registration.
            visit.status, _ = phone.post_until_answered(
                f"/api/v1/pregnancies/{pregnancy}/visits/", body
            )
