"""The urgent-visit path under load: from a visit's 201 to its push at the fake FCM.

As deployed: the service's gunicorn (3 workers, production settings), a Celery worker
(``--concurrency 2``, as docker-compose.yml runs it) on Redis, firebase-admin pushing to
the local fake FCM (tests/fakes/fake_fcm.py, in a process of its own). While 8 clients
register pregnancies (the load the bare view sustains in section 3), one more client
records visits with a danger sign, one at a time, to pregnancies whose named doctor has
a registered device. Each visit queues ``dispatch_alerts`` when it commits; the worker
claims the alert's delivery and pushes it.

The fake prints one line per send request as it arrives, with the ``alert_id`` from the
message data and ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for every process on
the machine); the visit client notes the same clock when it has read the 201. The
alert of each visit is looked up afterwards (``Alert.visit``).

    python bench/urgent_bench.py serve DIR     # the recording fake FCM
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env  # noqa: E402
from bench.http_bench import (  # noqa: E402
    BROKER_URL,
    PROXIED,
    WORKERS,
    Registrations,
    _free_port,
    _gunicorn,
    _pct,
    _service_env,
    _token,
    _wait,
)
from bench.load import drive  # noqa: E402

LOAD_CLIENTS = 8
VISITS_EVERY = 0.5  # seconds between one visit's start and the next
FACILITY = 1  # bench facility whose midwife records the visits (the load is facility 0's)


def serve(directory: str) -> None:
    """The fake FCM, printing "<monotonic> <alert_id>" for each send as it arrives."""
    from tests.fakes.fake_fcm import FakeFCM, make_service_account

    lock = threading.Lock()

    class Recording(FakeFCM):
        def _answer_send(self, project, body, authorization):
            arrived = time.monotonic()
            alert_id = ((body.get("message") or {}).get("data") or {}).get("alert_id", "")
            with lock:
                sys.stdout.write(f"{arrived:.6f} {alert_id}\n")
                sys.stdout.flush()
            return super()._answer_send(project, body, authorization)

    with Recording() as fake:
        credentials = make_service_account(Path(directory), fake.token_url)
        print(json.dumps({"url": fake.url, "credentials": str(credentials)}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def _targets(count: int) -> tuple[str, list[str]]:
    """The facility's midwife and ``count`` of its active pregnancies, each naming the
    doctor who now has a device (a visit today falls inside each of them)."""
    from django.utils import timezone

    from jsc.people.models import User
    from notifications.models import Device
    from pregnancies.models import Pregnancy

    doctor = User.objects.get(username=f"dr{FACILITY}_0")
    Device.objects.update_or_create(
        token="bench-urgent-" + doctor.id.hex + "-" + "x" * 100,
        defaults={"user": doctor, "platform": "android", "active": True},
    )
    today = timezone.localdate()
    ids = list(
        Pregnancy.objects.filter(
            doctor=doctor,
            status="active",
            edd__gte=today + timedelta(days=14),
            edd__lte=today + timedelta(days=200),
        )
        .order_by("id")
        .values_list("id", flat=True)[:count]
    )
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} pregnancies fit the urgent visits; seed more")
    return f"bidan{FACILITY}", [str(i) for i in ids]


def _purge_broker() -> None:
    """Nothing left in the bench's Redis database from an earlier run."""
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()


def run(*, visits: int) -> dict:
    from django.utils import timezone

    from notifications.models import Alert

    midwife, pregnancies = _targets(visits + 1)  # the first one warms up
    _purge_broker()
    logs = tempfile.TemporaryDirectory(prefix="jsc-bench-urgent-")
    directory = Path(logs.name)
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "urgent_bench.py"), "serve", str(directory)],
        cwd=ROOT,
        env=bench_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    arrivals: dict[str, float] = {}
    procs: list[subprocess.Popen] = []
    files = []
    try:
        where = json.loads(fake.stdout.readline())

        def read_arrivals() -> None:
            for line in fake.stdout:
                at, _, alert_id = line.strip().partition(" ")
                arrivals.setdefault(alert_id, float(at))  # the first send of each alert

        threading.Thread(target=read_arrivals, daemon=True).start()
        push = {"FIREBASE_CREDENTIALS": where["credentials"], "FCM_ENDPOINT": where["url"]}
        web_log = open(directory / "service.log", "w")  # noqa: SIM115
        worker_log = open(directory / "worker.log", "w")  # noqa: SIM115
        files += [web_log, worker_log]
        port = _free_port()
        procs.append(_gunicorn("jsc.wsgi", port, "jsc.settings", web_log, **push))
        procs.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "jsc",
                    "worker",
                    "--loglevel",
                    "WARNING",
                    "--concurrency",
                    "2",
                    "--hostname",
                    f"bench-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=ROOT,
                env=_service_env(**push),
                stdout=subprocess.DEVNULL,
                stderr=worker_log,
            )
        )
        _wait(port, "/healthz", procs[0])
        today = timezone.localdate()
        visit_headers = {
            "Authorization": f"Bearer {_token(midwife)}",
            "Content-Type": "application/json",
            **PROXIED,
        }

        def visit(conn: http.client.HTTPConnection, pregnancy_id: str) -> tuple[str, float]:
            body = json.dumps(
                {
                    "date": today.isoformat(),
                    "systolic": 150,
                    "diastolic": 100,
                    "danger_signs": ["severe_headache"],
                }
            )
            conn.request(
                "POST",
                f"/api/v1/pregnancies/{pregnancy_id}/visits/",
                body=body,
                headers=visit_headers,
            )
            response = conn.getresponse()
            payload = response.read()
            answered = time.monotonic()
            if response.status != 201:
                raise RuntimeError(f"visit answered {response.status}: {payload[:300]!r}")
            return json.loads(payload)["id"], answered

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        # Warm-up: the worker is consuming and firebase-admin has its OAuth token.
        warm_id, _ = visit(conn, pregnancies[0])
        warm_alert = _wait_for_alerts([warm_id], arrivals, timeout=90)
        if not warm_alert:
            raise RuntimeError("the warm-up visit's push never reached the fake FCM")

        bodies = Registrations(today, start=5_000_000)
        auth = {"Authorization": f"Bearer {_token('bidan0')}", **PROXIED}
        load_result: dict = {}
        load_seconds = VISITS_EVERY * visits + 5

        def load() -> None:
            load_result.update(
                drive(
                    port,
                    "POST",
                    "/api/v1/pregnancies/",
                    {**auth, "Content-Type": "application/json"},
                    bodies.body,
                    201,
                    clients=LOAD_CLIENTS,
                    seconds=load_seconds,
                )
            )

        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        time.sleep(2)  # the load is running before the first measured visit
        answered: dict[str, float] = {}
        sent: dict[str, float] = {}
        visit_latency = []
        for pregnancy_id in pregnancies[1:]:
            started = time.monotonic()
            visit_id, at = visit(conn, pregnancy_id)
            answered[visit_id], sent[visit_id] = at, started
            visit_latency.append(at - started)
            time.sleep(max(0.0, started + VISITS_EVERY - time.monotonic()))
        conn.close()
        loader.join()
        by_visit = _wait_for_alerts(list(answered), arrivals, timeout=120)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        fake.stdin.close()
        fake.wait(timeout=30)
        for f in files:
            f.close()
        logs.cleanup()

    delays = sorted(arrivals[by_visit[v]] - answered[v] for v in answered if v in by_visit)
    # The push can reach the fake before the client has read the 201 (the dispatch is
    # queued at the commit, before the answer is written): from the request, too.
    from_sent = sorted(arrivals[by_visit[v]] - sent[v] for v in sent if v in by_visit)
    pending = Alert.objects.filter(visit_id__in=list(answered)).exclude(id__in=arrivals).count()
    load_latencies = sorted(load_result.get("latencies", []))
    return {
        "visits": len(answered),
        "pushed": len(delays),
        "not_pushed": len(answered) - len(delays),
        "alerts_unsent": pending,
        "p50_s": _pct(delays, 0.50),
        "p99_s": _pct(delays, 0.99),
        "max_s": delays[-1] if delays else float("nan"),
        "min_s": delays[0] if delays else float("nan"),
        "before_201": sum(1 for d in delays if d < 0),
        "from_request_p50_s": _pct(from_sent, 0.50),
        "from_request_p99_s": _pct(from_sent, 0.99),
        "visit_p50_ms": _pct(sorted(visit_latency), 0.50) * 1000,
        "visit_p99_ms": _pct(sorted(visit_latency), 0.99) * 1000,
        "load_clients": LOAD_CLIENTS,
        "load_rps": len(load_latencies) / load_result["elapsed"] if load_result else 0.0,
        "load_p99_ms": _pct(load_latencies, 0.99) * 1000,
        "load_errors": load_result.get("errors", 0),
        "web_workers": WORKERS,
        "visits_every_s": VISITS_EVERY,
    }


def _wait_for_alerts(visit_ids: list[str], arrivals: dict, *, timeout: float) -> dict[str, str]:
    """visit id -> the alert id whose push arrived, once every visit's has (or timeout)."""
    from notifications.models import Alert

    deadline = time.monotonic() + timeout
    while True:
        alerts = dict(Alert.objects.filter(visit_id__in=visit_ids).values_list("visit_id", "id"))
        found = {str(v): str(a) for v, a in alerts.items() if str(a) in arrivals}
        if len(found) == len(visit_ids) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    else:
        raise SystemExit("run through bench/run.py (make bench / make bench-quick)")
