"""Dispatch: pending alerts through the real pipeline against a bare firebase-admin loop.

Both send to the local fake FCM (tests/fakes/fake_fcm.py), run in a process of its own
so that neither side pays for the server's threads:

- pipeline: ``dispatch_due`` with the FCM back end (plan deliveries, claim with
  ``SKIP LOCKED``, send on ``FCM_MAX_WORKERS`` threads, settle, attempts logged);
- bare: the same messages, built beforehand, sent with ``messaging.send`` on a thread
  pool of the same size, nothing written anywhere.

    python bench/dispatch_bench.py serve DIR     # the fake FCM; prints its URLs
    python bench/dispatch_bench.py child ours|bare CREDENTIALS URL THREADS
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
    from bench.common import measure, setup_django

    setup_django()
    if op == "ours":
        from notifications.dispatch import dispatch_due
        from notifications.models import Delivery, DeliveryStatus
        from notifications.push.fcm import FirebaseBackend

        backend = FirebaseBackend(credentials, endpoint=url, max_workers=threads, app_name="bench")

        def run() -> int:
            while dispatch_due(backend=backend).more:
                pass
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


def run(*, alerts: int, rounds: int, threads: int = 8) -> dict:
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
            runs: dict[str, list[dict]] = {"ours": [], "bare": []}
            for i in range(rounds):
                for op in ("bare", "ours") if i % 2 == 0 else ("ours", "bare"):
                    reset(alerts)
                    runs[op].append(run_child("dispatch_bench.py", op, *args))
        finally:
            server.stdin.close()
            server.wait(timeout=30)
    bare = [r["seconds"] for r in runs["bare"]]
    ours = [r["seconds"] for r in runs["ours"]]
    sent = {r["result"] for r in runs["ours"]}
    return {
        "alerts": alerts,
        "threads": threads,
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
