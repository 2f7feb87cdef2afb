"""Dispatch: pending alerts through the real pipeline against a bare firebase-admin loop.

Both send to the local fake FCM (tests/fakes/fake_fcm.py), run in a process of its own
so that neither side pays for the server's threads:

- pipeline: the worker's path, the body of the Celery task ``dispatch_alerts`` with the
  back end built from the settings (``FIREBASE_CREDENTIALS``, ``FCM_ENDPOINT``,
  ``FCM_MAX_WORKERS``, ``PUSH_BATCH_SIZE``): plan deliveries, claim with ``SKIP LOCKED``,
  send on ``FCM_MAX_WORKERS`` threads, settle, attempts logged. A run that stops at
  ``max_batches`` queues the task again at once; here the next run starts at once,
  without the broker's round trip. First at the deployed batch size, then at the
  sizes in ``DISPATCH_BATCHES`` as extra rows;
- bare: the same messages, built beforehand, sent with ``messaging.send`` on a thread
  pool of the same size, nothing written anywhere.

    python bench/dispatch_bench.py serve DIR     # the fake FCM; prints its URLs
    python bench/dispatch_bench.py child ours|bare CREDENTIALS URL THREADS [BATCH]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env, median, run_child  # noqa: E402


def serve(directory: str) -> None:
    from tests.fakes.fake_fcm import FakeFCM, make_service_account

    with FakeFCM() as fake:
        credentials = make_service_account(Path(directory), fake.token_url)
        print(json.dumps({"url": fake.url, "credentials": str(credentials)}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def child(op: str, credentials: str, url: str, threads: int) -> dict:
    if op == "ours":
        import os

        # What a worker reads at start (jsc/settings.py); PUSH_BATCH_SIZE comes from
        # the parent (the deployed default unless a row asks for another).
        os.environ.update(
            FIREBASE_CREDENTIALS=credentials, FCM_ENDPOINT=url, FCM_MAX_WORKERS=str(threads)
        )
    from bench.common import measure, setup_django

    setup_django()
    if op == "ours":
        from notifications import tasks
        from notifications.models import Delivery, DeliveryStatus

        requeued = []
        # dispatch_alerts queues itself again when a run stops at max_batches: run it here.
        tasks.dispatch_alerts.delay = lambda: requeued.append(1)

        def run() -> int:
            tasks.dispatch_alerts.run()
            while requeued:
                requeued.clear()
                tasks.dispatch_alerts.run()
            return Delivery.objects.filter(status=DeliveryStatus.SENT).count()

        return measure(run)
    if op == "bare":
        from concurrent.futures import ThreadPoolExecutor

        import firebase_admin
        from firebase_admin import credentials as fb_credentials
        from firebase_admin import messaging

        from notifications.push.fcm import _build_messages, _point_messaging_at

        app = firebase_admin.initialize_app(
            fb_credentials.Certificate(credentials), name="bench-bare"
        )
        _point_messaging_at(app, url)
        messages = _build_messages(_pending_messages())

        def run() -> int:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                return sum(1 for _ in pool.map(lambda m: messaging.send(m, app=app), messages))

        return measure(run)
    raise SystemExit(f"unknown op {op}")


def _pending_messages():
    """The messages the pipeline would send: one per (pending alert, active device)."""
    from notifications.models import Alert, AlertRule, Device
    from notifications.payload import alert_message

    offsets = dict(AlertRule.objects.values_list("milestone", "offset_days"))
    tokens = dict(Device.objects.filter(active=True).values_list("user_id", "token"))
    return [
        alert_message(
            token=tokens[a.recipient_id],
            alert_id=a.id,
            pregnancy_id=a.pregnancy_id,
            milestone=a.milestone,
            offset_days=offsets.get(a.milestone, 0),
            risk_band=a.risk_band,
            urgent=a.urgent,
        )
        for a in Alert.objects.filter(status="pending")
    ]


def reset(alerts: int) -> None:
    """``alerts`` pending alerts, each to a doctor with one active device."""
    import uuid

    from django.db import connection

    from jsc.people.models import Role, User
    from notifications.models import Alert, Device
    from pregnancies.models import Pregnancy

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Alert._meta.db_table} CASCADE")
    doctors = {}
    for user in User.objects.filter(role=Role.DOCTOR).order_by("username"):
        doctors.setdefault(user.facility_id, user)
        Device.objects.get_or_create(
            token=f"bench-device-{user.id.hex}-" + "x" * 120,
            defaults={"user": user, "platform": "android"},
        )
    rows = Pregnancy.objects.filter(status="active").values_list(
        "id", "facility_id", "edd", "risk_band"
    )[:alerts]
    Alert.objects.bulk_create(
        [
            Alert(
                id=uuid.uuid4(),
                pregnancy_id=pregnancy_id,
                recipient=doctors[facility_id],
                milestone="edd_minus_7",
                edd=edd,
                risk_band=band,
            )
            for pregnancy_id, facility_id, edd, band in rows
        ],
        batch_size=2000,
    )
    # Statistics as a service's long-lived tables have them (autovacuum's work).
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Alert._meta.db_table}, {Device._meta.db_table}")


def run(*, alerts: int, rounds: int, threads: int = 8, batches: list[int] | None = None) -> dict:
    """The deployed batch size (PUSH_BATCH_SIZE unset), then each of ``batches``."""
    with tempfile.TemporaryDirectory(prefix="jsc-bench-") as directory:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "dispatch_bench.py"), "serve", directory],
            cwd=ROOT,
            env=bench_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            fake = json.loads(server.stdout.readline())
            args = (fake["credentials"], fake["url"], str(threads))
            rows = [
                _row(args, alerts=alerts, rounds=rounds, threads=threads, batch=batch)
                for batch in [None, *(batches or [])]
            ]
        finally:
            server.stdin.close()
            server.wait(timeout=30)
    return {**rows[0], "extra": rows[1:]}


def _row(args, *, alerts: int, rounds: int, threads: int, batch: int | None) -> dict:
    from django.conf import settings

    # The deployed row: what the settings say (the default, unless this shell sets it).
    env = {"PUSH_BATCH_SIZE": str(batch or settings.PUSH_BATCH_SIZE)}
    runs: dict[str, list[dict]] = {"ours": [], "bare": []}
    for i in range(rounds):
        for op in ("bare", "ours") if i % 2 == 0 else ("ours", "bare"):
            reset(alerts)
            runs[op].append(run_child("dispatch_bench.py", op, *args, env=env))
    bare = [r["seconds"] for r in runs["bare"]]
    ours = [r["seconds"] for r in runs["ours"]]
    sent = {r["result"] for r in runs["ours"]}
    return {
        "alerts": alerts,
        "threads": threads,
        "batch": batch or settings.PUSH_BATCH_SIZE,
        "deployed": batch is None,
        "sent": sorted(sent),
        "bare_s": median(bare),
        "ours_s": median(ours),
        "bare_rate": alerts / median(bare),
        "ours_rate": alerts / median(ours),
        "ratio": median(bare) / median(ours),
        "queries": max(r["queries"] for r in runs["ours"]),
        "ours_peak_mib": max(r["peak_mib"] for r in runs["ours"]),
        "bare_range": f"{min(bare):.2f}-{max(bare):.2f}",
        "ours_range": f"{min(ours):.2f}-{max(ours):.2f}",
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["child"]:
        op, credentials, url, threads = sys.argv[2:6]
        print(json.dumps(child(op, credentials, url, int(threads)), default=str))
    else:
        raise SystemExit("run through bench/run.py (make bench / make bench-quick)")
