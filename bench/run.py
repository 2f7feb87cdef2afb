"""``make bench`` / ``make bench-quick``: seed with COPY, run every benchmark, print a
table and write bench/results.md.

    python bench/run.py            # 1,000,000 active pregnancies
    python bench/run.py --quick    # 50,000, fewer rounds, shorter load runs (< 10 min)
    python bench/run.py --national # 5,000,000

Environment: BENCH_DATABASE_URL (dropped and re-created; its name must start with
jsc_bench), N (pregnancies), ROUNDS, ONLY (comma-separated: scan,dispatch,http,dashboard;
http includes the urgent-visit path), URGENT_VISITS (visits timed to their push), SECONDS,
DISPATCH_BATCHES (extra dispatch rows: batch sizes besides the deployed one, default
32,500), RESULTS (where to write; default bench/results.md, or bench/results-quick.md with
--quick), REUSE_SEED=1 (keep a database seeded by an earlier run with the same N: a
5,000,000 seed takes about half an hour here).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main() -> None:
    quick = "--quick" in sys.argv
    national = "--national" in sys.argv
    n = int(os.environ.get("N", 50_000 if quick else 5_000_000 if national else 1_000_000))
    rounds = int(os.environ.get("ROUNDS", 3))
    only = set(filter(None, os.environ.get("ONLY", "scan,dispatch,http,dashboard").split(",")))
    default_results = "results-quick.md" if quick else "results.md"
    out = Path(os.environ.get("RESULTS", Path(__file__).parent / default_results))
    started = time.monotonic()
    report: dict = {
        "mode": "quick" if quick else "national" if national else "full",
        "n": n,
        "rounds": rounds,
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": os.getloadavg(),
    }

    print(f"bench: {n:,} active pregnancies, {rounds} rounds, database {common.database_name()}")
    reuse = os.environ.get("REUSE_SEED") == "1"
    if not reuse:
        common.recreate_database()
    common.setup_django()
    from django.utils import timezone

    today = timezone.localdate()
    t = time.monotonic()
    villages = 0
    if "dashboard" in only:
        from bench import dashboard_bench

        villages = dashboard_bench.VILLAGES_PER_DISTRICT
    if reuse:
        if "dashboard" in only:
            raise SystemExit("REUSE_SEED: the dashboard section seeds its own year; leave it out")
        common.check_seed(n)
        seeded = None
        report["seed_s"] = None
        print("reusing the seeded database")
    else:
        seeded = common.seed_registry(n, today=today, villages_per_district=villages)
        report["seed_s"] = time.monotonic() - t
        print(f"seeded with COPY in {report['seed_s']:.0f} s")

    if "scan" in only:
        from bench import scan_bench

        report["scan"] = scan_bench.run(
            rounds=rounds, today=today, history=int(os.environ.get("HISTORY", n // 4))
        )
        report["scan_plan"] = scan_bench.explain(today)
        print_scan(report["scan"])
        keep(report, out)
    if "dispatch" in only:
        from bench import dispatch_bench

        report["dispatch"] = dispatch_bench.run(
            alerts=int(os.environ.get("ALERTS", 2_000 if quick else 10_000)),
            rounds=rounds,
            # Extra rows besides the deployed PUSH_BATCH_SIZE ("" for none).
            batches=[int(b) for b in os.environ.get("DISPATCH_BATCHES", "32,500").split(",") if b],
        )
        print_dispatch(report["dispatch"])
        keep(report, out)
    if "http" in only:
        from bench import http_bench

        report["http"] = http_bench.run(
            seconds=float(os.environ.get("SECONDS", 4 if quick else 10))
        )
        print_http(report["http"])
        keep(report, out)
        from bench import urgent_bench

        report["urgent"] = urgent_bench.run(
            visits=int(os.environ.get("URGENT_VISITS", 40 if quick else 120))
        )
        print_urgent(report["urgent"])
    if "dashboard" in only:
        # Seeded last, so the other sections run on the registry exactly as before.
        report["dashboard_seed"] = dashboard_bench.seed(n, today=today, seeded=seeded)
        print_dashboard_seed(report["dashboard_seed"])
        report["dashboard"] = dashboard_bench.run(rounds=rounds, today=today)
        report["dashboard_plans"] = dashboard_bench.explain(today)

    report["load_after"] = os.getloadavg()
    report["minutes"] = (time.monotonic() - started) / 60
    report["machine"] = common.machine()
    from bench.results import render

    keep(report, out)
    out.write_text(render(report))
    print(f"wrote {out} ({report['minutes']:.1f} min)")


def keep(report: dict, out: Path) -> None:
    """What is measured so far, as JSON beside the results: a later failure loses nothing."""
    import json

    out.with_suffix(".json").write_text(json.dumps(report, indent=1, default=str) + "\n")


def print_scan(rows: list[dict]) -> None:
    print(f"{'scan':<58} {'raw s':>7} {'ours s':>7} {'ratio':>6} {'queries':>7} {'MiB':>6}")
    for r in rows:
        print(
            f"{r['name']:<58} {r['raw_s']:>7.2f} {r['scan_s']:>7.2f} {r['ratio']:>5.2f}x"
            f" {r['queries']:>7} {r['scan_peak_mib']:>6.1f}"
        )


def print_dispatch(r: dict) -> None:
    for row in [r, *r.get("extra", [])]:
        print(
            f"dispatch {row['alerts']:,} alerts, {row['threads']} threads, batch {row['batch']}"
            f"{' (deployed)' if row.get('deployed') else ''}: bare {row['bare_rate']:.0f}/s,"
            f" pipeline {row['ours_rate']:.0f}/s, ratio {row['ratio']:.2f}x"
        )


def print_http(rows: list[dict]) -> None:
    print(
        f"{'endpoint':<14} {'clients':>7} {'ours rps':>9} {'bare rps':>9} {'ratio':>6}"
        f" {'p50 ms':>7} {'p99 ms':>7} {'bare p99':>8}"
    )
    for r in rows:
        print(
            f"{r['endpoint']:<14} {r['clients']:>7} {r['ours']['rps']:>9.1f}"
            f" {r['bare']['rps']:>9.1f} {r['ratio']:>5.2f}x {r['ours']['p50_ms']:>7.0f}"
            f" {r['ours']['p99_ms']:>7.0f} {r['bare']['p99_ms']:>8.0f}"
        )


def print_urgent(r: dict) -> None:
    print(
        f"urgent visits: {r['pushed']}/{r['visits']} pushed, 201 to push p50"
        f" {r['p50_s'] * 1000:.0f} ms, p99 {r['p99_s'] * 1000:.0f} ms, max"
        f" {r['max_s'] * 1000:.0f} ms (under {r['load_clients']} registering clients,"
        f" {r['load_rps']:.1f} rps)"
    )


def print_dashboard_seed(s: dict) -> None:
    print(
        f"dashboard seed: {s['delivered']:,} delivered, {s['visits']:,} visits,"
        f" {s['alerts']:,} alerts, {s['villages']} villages in {s['seconds']:.0f} s"
    )


if __name__ == "__main__":
    main()
