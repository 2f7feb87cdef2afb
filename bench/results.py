"""bench/results.md from one run's report, followed by bench/notes.md (written by hand:
where the time goes, and why a target is missed where one is).

The report itself is kept beside it as JSON (results.json, results-quick.json), so
``python bench/results.py [results.json]`` renders it again after the notes change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTES = Path(__file__).with_name("notes.md")


def save(report: dict, markdown: Path) -> None:
    markdown.write_text(render(report))


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(report: dict) -> str:
    m = report["machine"]
    before, after = report["load_before"], report["load_after"]
    out = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py` ({report['mode']} run, {report['n']:,} active pregnancies,"
        f" {report['rounds']} rounds) on {report['started']}, in {report['minutes']:.1f} min;"
        + (
            f" seeding with COPY took {report['seed_s']:.0f} s."
            if report["seed_s"] is not None
            else " on a database seeded with COPY by an earlier run (REUSE_SEED)."
        ),
        "",
        "Every figure is a ratio against a baseline run side by side in the same script:"
        " service and baseline alternate round by round and each side's median is taken."
        " Absolute times on this machine are only indications.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in m.items() if k != "load"),
        f"| load average at start | {before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f}"
        " (1 / 5 / 15 min) |",
        f"| load average at end | {m['load']} |",
        "",
    ]
    if "scan" in report:
        out += _scan(report)
    if "dispatch" in report:
        out += _dispatch(report["dispatch"])
    if "http" in report:
        out += _http(report["http"])
    out += _urgent(report.get("urgent"))
    out += _dashboard(report) if "dashboard" in report else _dashboard_not_measured()
    if NOTES.exists():
        out += ["", NOTES.read_text().strip(), ""]
    _ = after
    return "\n".join(out) + "\n"


def _scan(report: dict) -> list[str]:
    rows = report["scan"]
    out = [
        "## 1. Scan (`record_owed_alerts`) against one raw SQL query",
        "",
        "The raw query (bench/scan_bench.py `raw_sql`) selects the same owed rows in one"
        " statement and fetches them; the scan inserts them (`INSERT ... SELECT`). Each"
        " side runs in a fresh process; peak memory is the growth of that process's RSS"
        " during the call. Target: at most 1.5x, constant queries, flat memory. On the"
        " first scan, the raw query's rows are also inserted by hand in one statement"
        " (raw INSERT): what writing those rows costs at the least, with the alerts'"
        " indexes and foreign-key checks.",
        "",
        "| case | raw query s (range) | scan s (range) | scan / raw | target 1.5x"
        " | raw INSERT s | scan / raw INSERT | statements | scan peak MiB | raw peak MiB"
        " | owed rows | inserted |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['raw_s']:.2f} ({r['raw_range']}) | {r['scan_s']:.2f}"
            f" ({r['scan_range']}) | {r['ratio']:.2f}x | {_met(r['ratio'] <= 1.5)} |"
            + (
                f" {r['raw_insert_s']:.2f} | {r['vs_raw_insert']:.2f}x |"
                if "raw_insert_s" in r
                else " | |"
            )
            + f" {r['queries']} | {r['scan_peak_mib']:.1f} | {r['raw_peak_mib']:.1f} |"
            f" {r['rows']:,} | {r['inserted']:,} |"
        )
    later = next((r for r in rows if "history_alerts" in r), None)
    if later:
        out += [
            "",
            f"Steady state after adding {later['history_alerts']:,} alerts of delivered"
            f" pregnancies: {later['vs_no_history']:.2f}x the steady state without them"
            " (the cost follows the active pregnancies, not the alert history, when this"
            " stays near 1).",
        ]
    out += [
        "",
        "<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the largest window's SELECT,"
        " steady state</summary>",
        "",
        "```",
        report.get("scan_plan", ""),
        "```",
        "</details>",
        "",
    ]
    return out


def _dispatch(r: dict) -> list[str]:
    rows = [r, *r.get("extra", [])]
    out = [
        "## 2. Dispatch against a bare firebase-admin loop",
        "",
        f"{r['alerts']:,} pending alerts, one device each, sent to the local fake FCM"
        f" (its own process) on {r['threads']} threads. Pipeline: the worker's path, the"
        " `dispatch_alerts` task body run until it stops queuing itself (plan, claim with"
        " SKIP LOCKED, send, settle, one attempt row per push), with the back end and"
        " `PUSH_BATCH_SIZE` from the settings. Bare: the same messages built beforehand,"
        " `messaging.send` on a thread pool of the same size. The first row is the"
        " deployed batch size; the target applies to it.",
        "",
        "| batch | bare s (range) | pipeline s (range) | bare /s | pipeline /s"
        " | pipeline / bare | target 0.8x |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        batch = f"{row.get('batch', '?')}{' (deployed)' if row.get('deployed', True) else ''}"
        out.append(
            f"| {batch} | {row['bare_s']:.2f} ({row['bare_range']}) | {row['ours_s']:.2f}"
            f" ({row['ours_range']}) | {row['bare_rate']:.0f} | {row['ours_rate']:.0f} |"
            f" {row['ratio']:.2f}x | {_met(row['ratio'] >= 0.8) if row is r else '-'} |"
        )
    out += [
        "",
        f"Deployed batch size: {r['queries']} statements on the task's own connection (the"
        f" lanes' connections are not counted), peak RSS growth {r['ours_peak_mib']:.1f} MiB,"
        f" deliveries sent per round: {r['sent']}. Where the time goes: bench/notes.md,"
        ' "Dispatch".',
        "",
    ]
    return out


def _http(rows: list[dict]) -> list[str]:
    out = [
        "## 3. Registration and list under load against a bare Django view",
        "",
        "gunicorn as the Dockerfile runs it (3 workers, `jsc.gunicorn_conf`, production"
        " settings) for the service and for bench/bare_urls.py (the same rows written or"
        " read, without DRF, authentication, validation, idempotency or audit); a"
        " closed-loop client (bench/load.py) on the same machine. Target: at least 0.5x"
        " the bare throughput, and p99 under 300 ms at the load the bare view sustains.",
        "",
        "| endpoint | clients | service rps | bare rps | service / bare | target 0.5x"
        " | service p50 ms | service p99 ms | bare p50 ms | bare p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o, b = r["ours"], r["bare"]
        out.append(
            f"| {r['endpoint']} | {r['clients']} | {o['rps']:.1f} | {b['rps']:.1f} |"
            f" {r['ratio']:.2f}x | {_met(r['ratio'] >= 0.5)} | {o['p50_ms']:.0f} |"
            f" {o['p99_ms']:.0f} | {b['p50_ms']:.0f} | {b['p99_ms']:.0f} |"
            f" {o['errors']} / {b['errors']} |"
        )
    for endpoint in dict.fromkeys(r["endpoint"] for r in rows):
        mine = [r for r in rows if r["endpoint"] == endpoint]
        sustained = [r for r in mine if r["bare"]["p99_ms"] < 300] or mine[:1]
        top = max(sustained, key=lambda r: r["clients"])
        out.append("")
        out.append(
            f"{endpoint}: the bare view keeps p99 under 300 ms up to {top['clients']}"
            f" clients; there the service's p99 is {top['ours']['p99_ms']:.0f} ms"
            f" ({_met(top['ours']['p99_ms'] < 300)})."
        )
    out.append("")
    return out


def _urgent(r: dict | None) -> list[str]:
    out = ["## 4. Urgent-visit path (visit 201 to push at the fake FCM)", ""]
    if not r:
        return out + ["Not measured in this run (bench/urgent_bench.py runs with `http`).", ""]
    ms = 1000
    return out + [
        f"bench/urgent_bench.py: the service's gunicorn ({r['web_workers']} workers,"
        " production settings), a Celery worker (concurrency 2) on Redis and firebase-admin"
        " pushing to the local fake FCM, as deployed. While"
        f" {r['load_clients']} clients register pregnancies (the load the bare view"
        " sustains), one more client records a visit with a danger sign every"
        f" {r['visits_every_s']:.1f} s, each to a pregnancy whose doctor has a device. Timed"
        " from the client reading the 201 to the fake FCM receiving the send request that"
        " carries the visit's alert id (one monotonic clock for all processes). Target from"
        " the product: within a minute.",
        "",
        "| visits | pushed | 201 to push p50 | p99 | max | target 60 s | request sent to"
        " push p50 | p99 | visit p50 ms | visit p99 ms | registration load rps | load p99 ms"
        " | load errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {r['visits']} | {r['pushed']} | {r['p50_s'] * ms:.0f} ms | {r['p99_s'] * ms:.0f}"
        f" ms | {r['max_s'] * ms:.0f} ms | {_met(r['pushed'] == r['visits'] and r['p99_s'] < 60)}"
        f" | {r['from_request_p50_s'] * ms:.0f} ms | {r['from_request_p99_s'] * ms:.0f} ms"
        f" | {r['visit_p50_ms']:.0f} | {r['visit_p99_ms']:.0f} | {r['load_rps']:.1f} |"
        f" {r['load_p99_ms']:.0f} | {r['load_errors']} |",
        "",
        f"{r['before_201']} of the {r['pushed']} pushes reached the fake FCM before the client"
        " had read the visit's 201 (negative delays): the dispatch is queued when the visit"
        " commits, before the answer is written, so the request-to-push column bounds the"
        " delay from the other side.",
        "",
    ]


def _dashboard_not_measured() -> list[str]:
    return [
        "## 5. Dashboard",
        "",
        "Not measured in this run (`ONLY` did not name `dashboard`).",
        "",
    ]


def _dashboard(report: dict) -> list[str]:
    d = report["dashboard"]
    seed = report.get("dashboard_seed", {})
    out = [
        "## 5. Dashboard endpoints against one raw SQL aggregate each",
        "",
        "Each endpoint through DRF's test client as a health-office user (authentication,"
        " parameter checks, selectors, JSON rendering; the high-risk list also writes its"
        " audit rows), against one hand-written statement computing the same figures"
        " (bench/dashboard_bench.py), fetched; the two alternate round by round. Limit: every"
        " answer under 1 s (absolute, on this shared machine).",
        "",
        f"Data: the {report['n']:,} active pregnancies above, plus"
        f" {seed.get('delivered', 0):,} delivered over the last year with their outcomes,"
        f" {seed.get('visits', 0):,} ANC visits, {seed.get('alerts', 0):,} alerts seeded"
        f" for the year, mothers in {seed.get('villages', 0)} villages with their"
        f" populations (seeded in {seed.get('seconds', 0):.0f} s).",
        "",
        "| endpoint | ours s (range) | raw s (range) | ours / raw | statements | slowest"
        " statement s | rows | KiB | under 1 s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in d["cases"]:
        out.append(
            f"| {r['name']} | {r['ours_s']:.3f} ({r['ours_range']}) | {r['raw_s']:.3f}"
            f" ({r['raw_range']}) | {r['ratio']:.3f}x | {r['queries']} |"
            f" {r['slowest_s']:.3f} | {r['rows']} | {r['kib']:.0f} | {_met(r['met'])} |"
        )
    now = [r for r in d["cases"] if "counted_now_s" in r]
    refresh = d["refresh"]
    out += [
        "",
        "PWS KIA and the overview's counts per district are read from figures counted"
        ' ahead by beat (docs/dashboard.md, "Speed"): the refresh took'
        f" {refresh['seconds']:.1f} s (overview {refresh['summary_s']:.1f} s, PWS KIA"
        f" {refresh['pws_s']:.1f} s, {refresh['rows']:,} count rows); the figures are at"
        " most `DASHBOARD_REFRESH_SECONDS` (600 s) plus that old.",
    ]
    for r in now:
        out.append(
            f"Counted at request time instead (no refresh yet), {r['name']} took"
            f" {r['counted_now_s']:.2f} s ({r['counted_now_s'] / r['raw_s']:.1f}x the raw"
            " aggregate)."
        )
    out += [
        "",
        "The high-risk list answers one page (50 rows); the raw query reads every row"
        " due, so its row count is the whole list's.",
        "",
    ]
    for name, plan in report.get("dashboard_plans", {}).items():
        out += [
            f"<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the slowest statement:"
            f" {name}</summary>",
            "",
            "```",
            plan,
            "```",
            "</details>",
            "",
        ]
    return out


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("results.json")
    save(json.loads(source.read_text()), source.with_suffix(".md"))
