"""Registration and list under concurrent load: gunicorn as deployed against a bare view.

Two gunicorns side by side, each as the Dockerfile runs it (``jsc.gunicorn_conf``, 3
workers, production settings): the service, and the same project serving only
bench/bare_urls.py. A small closed-loop client (bench/load.py) drives 1, 8 and 32
clients; service and bare runs alternate in halves (ours, bare, bare, ours) so that a
burst of load elsewhere on the machine lands on both.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env  # noqa: E402
from bench.load import drive  # noqa: E402

LEVELS = (1, 8, 32)
WORKERS = 3  # as the Dockerfile and docker-compose.yml run it
# What the TLS proxy in front of gunicorn adds to every request (docs/security.md): without
# it, production settings redirect plain HTTP to HTTPS (301) before any view runs.
PROXIED = {"X-Forwarded-Proto": "https"}
BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _service_env(settings_module: str = "jsc.settings", **extra: str) -> dict[str, str]:
    """The environment of a deployed process (web or worker): production settings."""
    from django.conf import settings

    return {
        **bench_env(),
        "JSC_ENV": "production",
        "DJANGO_SETTINGS_MODULE": settings_module,
        # The bench process signs the clients' JWTs with the same key.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "CELERY_BROKER_URL": BROKER_URL,
        **extra,
    }


def _gunicorn(app: str, port: int, settings_module: str, log, **extra_env: str) -> subprocess.Popen:
    env = _service_env(settings_module, **extra_env)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "-c",
            "python:jsc.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
        ],
        cwd=ROOT,
        env=env,
        # To a file: a pipe nobody reads fills up and blocks the workers' logging.
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def _wait(port: int, path: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see its log")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=PROXIED)
            urllib.request.urlopen(request, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start within 60 s")


def _token(username: str) -> str:
    """An access token for the user, signed as the service signs them (no login: the
    users were made with the test settings' password hasher, and the login throttle is
    not what is measured)."""
    from rest_framework_simplejwt.tokens import AccessToken

    from jsc.people.models import User

    return str(AccessToken.for_user(User.objects.get(username=username)))


class Registrations:
    """Request bodies with NIKs no run has used: Sumbersari, women, DDMMYY, serial."""

    def __init__(self, today: date, *, start: int = 0) -> None:
        from jsc.people.models import User, Village

        self._counter = itertools.count(start)
        self._lock = threading.Lock()
        self.lmp = (today - timedelta(days=70)).isoformat()
        # Once villages are loaded (the dashboard's seed), a village must be one of
        # them: give one of the midwife's district by its code.
        district = User.objects.get(username="bidan0").facility.district_id
        self.village = (
            Village.objects.filter(district_id=district).values_list("code", flat=True).first()
            or "Kranjingan"
        )

    def body(self) -> bytes:
        with self._lock:
            k = next(self._counter)
        dob = date(1988, 1, 1) + timedelta(days=k // 9000)
        nik = f"350921{dob.day + 40:02d}{dob.month:02d}{dob.year % 100:02d}{k % 9000 + 1:04d}"
        return json.dumps(
            {
                "mother": {
                    "nik": nik,
                    "full_name": "Ibu Beban",
                    "date_of_birth": dob.isoformat(),
                    "phone": "+6281234567890",
                    "village": self.village,
                    "address": "Jl. Kalimantan 12",
                },
                "lmp": self.lmp,
                "edd": None,
                "gravida": 2,
                "para": 1,
                "abortus": 0,
                "height_cm": 150,
                "risk_factors": [],
            }
        ).encode()


def run(*, seconds: float) -> list[dict]:
    from django.utils import timezone

    ours_port, bare_port = _free_port(), _free_port()
    logs = tempfile.TemporaryDirectory(prefix="jsc-bench-gunicorn-")
    ours_log = open(Path(logs.name) / "service.log", "w")  # noqa: SIM115
    bare_log = open(Path(logs.name) / "bare.log", "w")  # noqa: SIM115
    ours = _gunicorn("jsc.wsgi", ours_port, "jsc.settings", ours_log)
    bare = _gunicorn("bench.bare_wsgi", bare_port, "bench.bare_settings", bare_log)
    try:
        _wait(ours_port, "/healthz", ours)
        _wait(bare_port, "/bare/pregnancies/", bare)
        auth = {"Authorization": f"Bearer {_token('bidan0')}", **PROXIED}
        bodies = Registrations(timezone.localdate())
        json_headers = {"Content-Type": "application/json", **PROXIED}
        targets = {
            "registration": {
                "ours": (ours_port, "POST", "/api/v1/pregnancies/", {**auth, **json_headers}, 201),
                "bare": (bare_port, "POST", "/bare/pregnancies/", json_headers, 201),
            },
            "list": {
                "ours": (ours_port, "GET", "/api/v1/pregnancies/", auth, 200),
                "bare": (bare_port, "GET", "/bare/pregnancies/", PROXIED, 200),
            },
        }
        results = []
        for endpoint, sides in targets.items():
            body = bodies.body if endpoint == "registration" else None
            for clients in LEVELS:
                runs: dict[str, list] = {"ours": [], "bare": []}
                for side in ("ours", "bare", "bare", "ours"):
                    port, method, path, headers, status = sides[side]
                    drive(port, method, path, headers, body, status, clients=1, seconds=0.5)
                    runs[side].append(
                        drive(
                            port,
                            method,
                            path,
                            headers,
                            body,
                            status,
                            clients=clients,
                            seconds=seconds / 2,
                        )
                    )
                row = {"endpoint": endpoint, "clients": clients}
                for side in ("ours", "bare"):
                    row[side] = _merge(runs[side])
                row["ratio"] = row["ours"]["rps"] / row["bare"]["rps"]
                results.append(row)
        return results
    finally:
        for proc in (ours, bare):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        ours_log.close()
        bare_log.close()
        logs.cleanup()


def _merge(halves: list[dict]) -> dict:
    latencies = sorted(x for h in halves for x in h["latencies"])
    elapsed = sum(h["elapsed"] for h in halves)
    done = len(latencies)
    return {
        "requests": done,
        "errors": sum(h["errors"] for h in halves),
        "rps": done / elapsed,
        "p50_ms": _pct(latencies, 0.50) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000,
    }


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]
