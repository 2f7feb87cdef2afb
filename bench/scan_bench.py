"""Scan: ``record_owed_alerts`` against the one raw SQL query that selects the same rows.

Each side runs in a fresh process (so peak RSS is the worker's own), interleaved round
by round on the same data:

- first scan: nothing alerted yet (the alerts table emptied before each round);
- steady state: everything owed already alerted, so nothing new;
- steady state again after a year of alert history (delivered pregnancies, every
  milestone alerted), to show the cost follows the active pregnancies, not the history.

    python bench/scan_bench.py child raw|scan YYYY-MM-DD
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, run_child  # noqa: E402


def raw_sql(today: date) -> tuple[str, list]:
    """The owed rows in one hand-written query: windows as a VALUES list, the named
    doctor or else every active doctor of the facility, not yet alerted."""
    from jsc.people.models import User
    from notifications.models import Alert, AlertRule
    from notifications.owed import windows
    from pregnancies.models import Pregnancy

    ws = windows(list(AlertRule.objects.filter(active=True)), today=today)
    values = ", ".join(["(%s, %s::date, %s::date, %s)"] * len(ws))
    params: list = []
    for w in ws:
        params += [w.band, w.earliest_edd, w.latest_edd, w.rule.milestone]
    p, u, a = Pregnancy._meta.db_table, User._meta.db_table, Alert._meta.db_table
    sql = f"""
        WITH w(band, earliest, latest, milestone) AS (VALUES {values}),
        c AS (
            SELECT p.id, p.doctor_id, p.facility_id, p.edd, p.risk_band, w.milestone,
                   d.id IS NOT NULL AS named
            FROM {p} p
            JOIN w ON p.risk_band = w.band AND p.edd BETWEEN w.earliest AND w.latest
            LEFT JOIN {u} d ON d.id = p.doctor_id AND d.is_active AND d.role = 'doctor'
                           AND d.facility_id = p.facility_id
            WHERE p.status = 'active'
        )
        SELECT c.id, c.doctor_id, c.milestone, c.edd, c.risk_band FROM c
        WHERE c.named AND NOT EXISTS (
            SELECT 1 FROM {a} x
            WHERE x.pregnancy_id = c.id AND x.milestone = c.milestone
              AND x.recipient_id = c.doctor_id)
        UNION ALL
        SELECT c.id, s.id, c.milestone, c.edd, c.risk_band FROM c
        JOIN {u} s ON s.facility_id = c.facility_id AND s.role = 'doctor' AND s.is_active
        WHERE NOT c.named AND NOT EXISTS (
            SELECT 1 FROM {a} x
            WHERE x.pregnancy_id = c.id AND x.milestone = c.milestone AND x.recipient_id = s.id)
    """
    return sql, params


def child(op: str, today: date) -> dict:
    from bench.common import measure, setup_django

    setup_django()
    from django.db import connection

    from notifications.owed import record_owed_alerts

    if op == "raw":
        sql, params = raw_sql(today)

        def select() -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return len(cursor.fetchall())

        return measure(select)
    if op == "raw_insert":
        # The floor: the raw query's rows inserted by hand in one statement, the
        # alerts' indexes and foreign-key checks paid as the scan pays them.
        sql, params = raw_sql(today)

        def insert() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO notifications_alert (id, pregnancy_id, recipient_id,"
                    " milestone, edd, risk_band, urgent, status, created_at, action, late, note)"
                    " SELECT gen_random_uuid(), o.id, o.doctor_id, o.milestone, o.edd,"
                    f" o.risk_band, false, 'pending', now(), '', false, '' FROM ({sql}) AS o"
                    " ON CONFLICT DO NOTHING",
                    params,
                )
                return cursor.rowcount

        return measure(insert)
    if op == "scan":
        return measure(lambda: record_owed_alerts(today=today))
    raise SystemExit(f"unknown op {op}")


def _sql(statement: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)


def _alert_table() -> str:
    from notifications.models import Alert

    return Alert._meta.db_table


def add_history(n: int, *, today: date) -> int:
    """n delivered pregnancies of the past year, each alerted on every milestone."""
    import random
    import uuid
    from datetime import timedelta

    from django.db import connection

    from bench.common import copy_rows
    from jsc.people.models import Facility, Role, User
    from notifications.models import Alert, AlertRule
    from pregnancies.models import Mother, Person, Pregnancy

    rng = random.Random(11)
    facilities = list(Facility.objects.values_list("id", flat=True))
    midwife = {
        f: u for f, u in User.objects.filter(role=Role.MIDWIFE).values_list("facility_id", "id")
    }
    plan = [(i, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), rng.choice(facilities)) for i in range(n)]
    copy_rows(Person, ({"id": p, "nik": f"36{i:014d}"} for i, p, _, _, _ in plan))
    copy_rows(
        Mother,
        (
            {
                "id": m,
                "person_id": p,
                "facility_id": f,
                "full_name": "Ibu Lalu",
                "date_of_birth": date(1994, 1, 1),
            }
            for _, p, m, _, f in plan
        ),
    )
    copy_rows(
        Pregnancy,
        (
            {
                "id": g,
                "mother_id": m,
                "person_id": p,
                "facility_id": f,
                "registered_by_id": midwife[f],
                "edd": (edd := today - timedelta(days=rng.randint(45, 365))),
                "lmp": edd - timedelta(days=280),
                # Made from the EDD: an ultrasound one (from an LMP it would follow the
                # calendar rule, docs/domain.md "Pregnancy dates").
                "edd_source": "ultrasound",
                "gravida": 1,
                "para": 0,
                "abortus": 0,
                "kspr_score": 2,
                "risk_band": "high",
                "status": "delivered",
                "create_digest": "bench",
            }
            for _, p, m, g, f in plan
        ),
    )
    a, p, u, r = (
        Alert._meta.db_table,
        Pregnancy._meta.db_table,
        User._meta.db_table,
        AlertRule._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {a} (id, pregnancy_id, milestone, recipient_id, edd, risk_band,
                             urgent, status, created_at, sent_at, action, late, note)
            SELECT gen_random_uuid(), p.id, r.milestone, u.id, p.edd, p.risk_band,
                   r.urgent, 'sent', now(), now(), '', false, ''
            FROM {p} p JOIN {r} r ON true
            JOIN {u} u ON u.facility_id = p.facility_id AND u.role = 'doctor'
            WHERE p.status = 'delivered'
            """
        )
        added = cursor.rowcount
    for table in (a, p, Mother._meta.db_table, Person._meta.db_table):
        _sql(f"VACUUM ANALYZE {table}")
    return added


def _pair(rounds: int, today: date, *, reset: bool) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {"raw": [], "scan": [], "raw_insert": []}
    for i in range(rounds):
        if reset:
            # Each side starts from an empty alerts table (the raw query sees it too).
            _sql(f"TRUNCATE {_alert_table()} CASCADE")
            runs["raw"].append(run_child("scan_bench.py", "raw", today.isoformat()))
            for op in ("scan", "raw_insert") if i % 2 == 0 else ("raw_insert", "scan"):
                _sql(f"TRUNCATE {_alert_table()} CASCADE")
                runs[op].append(run_child("scan_bench.py", op, today.isoformat()))
        else:
            for op in ("raw", "scan") if i % 2 == 0 else ("scan", "raw"):
                runs[op].append(run_child("scan_bench.py", op, today.isoformat()))
    return runs


def _summary(name: str, runs: dict[str, list[dict]]) -> dict:
    raw = [r["seconds"] for r in runs["raw"]]
    ours = [r["seconds"] for r in runs["scan"]]
    return {
        "name": name,
        "raw_s": median(raw),
        "scan_s": median(ours),
        "ratio": median(ours) / median(raw),
        "raw_range": f"{min(raw):.2f}-{max(raw):.2f}",
        "scan_range": f"{min(ours):.2f}-{max(ours):.2f}",
        "rows": runs["raw"][0]["result"],
        "inserted": runs["scan"][0]["result"],
        "queries": max(r["queries"] for r in runs["scan"]),
        "raw_peak_mib": max(r["peak_mib"] for r in runs["raw"]),
        "scan_peak_mib": max(r["peak_mib"] for r in runs["scan"]),
        **(
            {
                "raw_insert_s": median(floor := [r["seconds"] for r in runs["raw_insert"]]),
                "vs_raw_insert": median(ours) / median(floor),
            }
            if runs["raw_insert"]
            else {}
        ),
    }


def run(*, rounds: int, today: date, history: int) -> list[dict]:
    """The three scan figures; the bench database is seeded already."""
    run_child("scan_bench.py", "raw", today.isoformat())  # warm the caches once
    first = _summary("first scan (nothing alerted yet)", _pair(rounds, today, reset=True))
    _sql(f"VACUUM ANALYZE {_alert_table()}")
    steady = _summary("steady state (nothing new)", _pair(rounds, today, reset=False))
    results = [first, steady]
    if history:
        added = add_history(history, today=today)
        later = _summary(
            f"steady state after a year of history (+{added:,} alerts)",
            _pair(rounds, today, reset=False),
        )
        later["history_alerts"] = added
        later["vs_no_history"] = later["scan_s"] / steady["scan_s"]
        results.append(later)
    return results


def explain(today: date) -> str:
    """EXPLAIN ANALYZE of the scan's largest SELECT, for the record."""
    from django.db import connection

    from notifications.owed import SLICE_DAYS, owed_statements

    plans = []
    with connection.cursor() as cursor:
        for sql, params, _ in owed_statements(today=today, slice_days=SLICE_DAYS):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans.append([line for (line,) in cursor.fetchall()])
    slowest = max(plans, key=lambda plan: float(plan[-1].split()[2]))
    return "\n".join(slowest)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "child":
        out = child(sys.argv[2], date.fromisoformat(sys.argv[3]))
        print(json.dumps(out, default=str))
    else:
        raise SystemExit("run through bench/run.py (make bench / make bench-quick)")
