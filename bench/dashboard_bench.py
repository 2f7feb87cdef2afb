"""Dashboard: each health-office endpoint against one hand-written SQL aggregate of the
same figures, over the registry seeded by bench/common.py plus a year of care.

The endpoints run through DRF's test client as a health-office user (authentication,
parameter checks, the selectors, JSON rendering; the high-risk list also writes its
audit rows). The baseline is one raw statement per endpoint whose rows are fetched;
the two alternate round by round. The target is an absolute one: each answer under
1 second at 1,000,000 pregnancies (docs/dashboard.md, "Speed").

    python bench/dashboard_bench.py          # time again on the bench database as seeded
                                             # (LIVE=0: skip the PWS counted at request time)
    python bench/dashboard_bench.py explain  # EXPLAIN (ANALYZE, BUFFERS) of each slowest statement
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_rows, median, spread  # noqa: E402

LIMIT_S = 1.0
VILLAGES_PER_DISTRICT = 8
BENCH_DISTRICT = "35.99.01"
# ANC visit slots (gestational-age days, trimester): one in T1, two in T2, three in T3
# (the 1-2-3 table, docs/domain.md); each is kept with VISIT_CHANCE, so a pregnancy
# followed to term has about 3.6 visits.
VISIT_SLOTS = (
    (49, 84, 1),
    (91, 125, 2),
    (126, 168, 2),
    (175, 210, 3),
    (211, 245, 3),
    (246, 275, 3),
)
VISIT_CHANCE = 0.6
NO_CARE = 0.15  # pregnancies with no visit recorded
DOCTOR_VISIT = 0.35  # a T1 or T3 visit recorded by a doctor


# -- seeding ------------------------------------------------------------------------------


def seed(n: int, *, today: date, seeded: dict, seed: int = 11) -> dict:
    """A year of care over the n active pregnancies ``seed_registry`` made (with villages):
    n/4 pregnancies delivered over the last year with their outcomes (a few maternal
    deaths), ANC visits for all, alerts when no scan made any, the year's targets, and a
    health-office user. All rows by COPY."""
    from django.db import connection

    from jsc.dashboard.models import TargetYear, VillagePopulation
    from jsc.people.models import Role, User
    from notifications.models import Alert
    from pregnancies.models import Mother, Outcome, Person, Pregnancy, Visit

    rng = random.Random(seed)
    started = time.monotonic()

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    facilities = seeded["facilities"]
    midwives, doctors, villages = seeded["midwives"], seeded["doctors"], seeded["villages"]
    from jsc.people.models import Facility

    district_of = dict(Facility.objects.filter(pk__in=facilities).values_list("pk", "district_id"))

    # Delivered (or ended) over the last year: EDDs 41 to 372 days ago.
    delivered = []
    for i in range(n // 4):
        f = rng.choice(facilities)
        edd = today - timedelta(days=rng.randint(41, 372))
        r = rng.random()
        if r < 0.015:
            kind, born, status, when = (
                "miscarriage",
                0,
                "ended",
                edd - timedelta(rng.randint(130, 220)),
            )
        elif r < 0.03:
            kind, born, status, when = (
                "stillbirth",
                0,
                "delivered",
                edd + timedelta(rng.randint(-14, 7)),
            )
        else:
            born = 2 if r > 0.99 else 1
            kind, status, when = "live_birth", "delivered", edd + timedelta(rng.randint(-14, 7))
        died = rng.random() < 0.002  # about 200 per 100,000: Indonesia's MMR order
        death = min(when + timedelta(rng.randint(0, 30)), today) if died else None
        village = rng.choice(villages[district_of[f]]) if rng.random() >= 0.03 else None
        delivered.append(
            (
                i,
                uid(),
                uid(),
                uid(),
                f,
                edd,
                kind,
                born,
                status,
                when,
                died,
                death,
                village,
                rng.random(),
            )
        )
    copy_rows(Person, ({"id": p, "nik": f"34{i:014d}"} for i, p, *_ in delivered))
    copy_rows(
        Mother,
        (
            {
                "id": m,
                "person_id": p,
                "facility_id": f,
                "full_name": "Ibu Bench",
                "date_of_birth": date(1995, 1, 1),
                "recorded_by_id": midwives[f],
                "village": "Desa Bench",
                "village_place_id": v,
            }
            for _, p, m, _, f, *_rest, v, _r in delivered
        ),
    )
    bands = ["low"] * 5 + ["high"] * 3 + ["very_high"] * 2
    copy_rows(
        Pregnancy,
        (
            {
                "id": g,
                "mother_id": m,
                "person_id": p,
                "facility_id": f,
                "doctor_id": doctors[f][0] if r < 0.5 else None,
                "registered_by_id": midwives[f],
                "edd": edd,
                "lmp": edd - timedelta(days=280),
                # Made from the EDD: an ultrasound one (from an LMP it would follow the
                # calendar rule, docs/domain.md "Pregnancy dates").
                "edd_source": "ultrasound",
                "gravida": 1,
                "para": 0,
                "abortus": 0,
                "kspr_score": 2,
                "risk_band": bands[int(r * 1000) % 10],
                "status": status,
                "create_digest": "bench",
            }
            for _, p, m, g, f, edd, _k, _b, status, *_rest, r in delivered
        ),
    )
    copy_rows(
        Outcome,
        (
            {
                "pregnancy_id": g,
                "kind": kind,
                "date": when,
                "babies_born_alive": born,
                "mother_died": died,
                "mother_death_date": death,
                "recorded_by_id": midwives[f],
            }
            for _, _p, _m, g, f, _e, kind, born, _s, when, died, death, _v, _r in delivered
        ),
    )
    outcomes = len(delivered)

    # ANC visits of every pregnancy, up to today (or the outcome).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.edd, p.facility_id, o.date FROM pregnancies_pregnancy p"
            " LEFT JOIN pregnancies_outcome o ON o.pregnancy_id = p.id"
        )
        pregnancies = cursor.fetchall()

    def visits():
        for pid, edd, f, ended in pregnancies:
            if rng.random() < NO_CARE:
                continue
            last = min(today, ended - timedelta(days=1)) if ended else today
            lmp = edd - timedelta(days=280)
            for lo, hi, tri in VISIT_SLOTS:
                if rng.random() >= VISIT_CHANCE:
                    continue
                day = lmp + timedelta(days=rng.randint(lo, hi))
                if day > last:
                    break
                by = doctors[f][0] if tri != 2 and rng.random() < DOCTOR_VISIT else midwives[f]
                yield {
                    "id": uid(),
                    "pregnancy_id": pid,
                    "date": day,
                    "systolic": 110,
                    "diastolic": 70,
                    "recorded_by_id": by,
                    "create_digest": "bench",
                }

    visit_count = copy_rows(Visit, visits())

    # Alerts of the year, when no scan ran before (ONLY=dashboard): the 28-day alert of
    # every pregnancy with a named doctor due in the last year, 70% acknowledged.
    alert_count = 0
    if not Alert.objects.exists():
        from django.utils import timezone

        tz = timezone.get_current_timezone()
        year_start = date(today.year, 1, 1)

        def alerts():
            for pid, edd, f, _ended in pregnancies:
                raised = edd - timedelta(days=28)
                if not year_start <= raised < today or rng.random() >= 0.5:
                    continue
                at = datetime(raised.year, raised.month, raised.day, 8, tzinfo=tz)
                acked = at + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.7 else None
                yield {
                    "id": uid(),
                    "pregnancy_id": pid,
                    "milestone": "edd_minus_28",
                    "recipient_id": doctors[f][0],
                    "edd": edd,
                    "risk_band": "high",
                    "status": "sent",
                    "created_at": at.isoformat(),
                    "sent_at": (at + timedelta(minutes=1)).isoformat(),
                    "acknowledged_at": acked.isoformat() if acked else None,
                    "acknowledged_by_id": doctors[f][0] if acked else None,
                    "action": "called" if acked else "",
                }

        alert_count = copy_rows(Alert, alerts())

    # The year's targets: a population that makes the regency's target about the
    # pregnancies it holds (coverage near what a real regency reports).
    target = TargetYear.objects.create(year=today.year, crude_birth_rate_per_1000=17)
    all_villages = [v for vs in villages.values() for v in vs]
    per_village = max(1, int(n / (1.1 * 17 / 1000) / len(all_villages)))
    VillagePopulation.objects.bulk_create(
        VillagePopulation(
            target_year=target, village_id=v, population=int(per_village * rng.uniform(0.6, 1.4))
        )
        for v in all_villages
    )
    User.objects.create_user(
        username="dinkes_bench",
        password="bench-password",
        role=Role.HEALTH_OFFICE,
        full_name="Dinkes Bench",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "delivered": outcomes,
        "visits": visit_count,
        "alerts": alert_count,
        "villages": len(all_villages),
        "seconds": time.monotonic() - started,
    }


# -- the endpoints and their baselines ----------------------------------------------------


def cases(today: date) -> list[dict]:
    year = today.year
    month = max(today.month - 1, 1)
    pws = f"/api/v1/dashboard/pws-kia/?year={year}&month={month}"
    return [
        {
            "name": "summary",
            "url": f"/api/v1/dashboard/summary/?year={year}",
            "raw": lambda: raw_summary(today=today, year=year),
        },
        {
            "name": "PWS KIA, regency",
            "url": pws,
            "raw": lambda: raw_pws(year=year, month=month, district_code=None),
        },
        {
            "name": "PWS KIA, one district",
            "url": f"{pws}&district={BENCH_DISTRICT}",
            "raw": lambda: raw_pws(year=year, month=month, district_code=BENCH_DISTRICT),
        },
        {
            "name": "high-risk list (due in 14 days)",
            "url": "/api/v1/dashboard/high-risk/",
            "raw": lambda: raw_high_risk(today=today, days=14),
        },
    ]


def _fetch(sql: str, params: list) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# A pregnancy's district: her village's, else her facility's (docs/dashboard.md).
AREA_JOINS = """
    JOIN pregnancies_mother m ON m.id = p.mother_id
    JOIN people_facility f ON f.id = p.facility_id
    LEFT JOIN people_village vl ON vl.id = m.village_place_id
"""


def raw_summary(*, today: date, year: int) -> list:
    first, last = _year_bounds(year)
    sql = f"""
    WITH p AS (
        SELECT COALESCE(vl.district_id, f.district_id) AS district,
               count(*) FILTER (WHERE p.status = 'active') AS active,
               count(*) FILTER (WHERE p.status = 'active' AND p.risk_band = 'high') AS high,
               count(*) FILTER (WHERE p.status = 'active' AND p.risk_band = 'very_high') AS vhigh,
               count(*) FILTER (WHERE p.status = 'active' AND p.edd BETWEEN %s AND %s) AS due,
               count(*) FILTER (WHERE p.status = 'active' AND p.edd <= %s) AS post_term
        FROM pregnancies_pregnancy p {AREA_JOINS}
        GROUP BY 1
    ), o AS (
        SELECT COALESCE(vl.district_id, f.district_id) AS district,
               COALESCE(sum(o.babies_born_alive) FILTER (WHERE o.date BETWEEN %s AND %s), 0)
                   AS live_births,
               count(*) FILTER (WHERE o.mother_died
                   AND COALESCE(o.mother_death_date, o.date) BETWEEN %s AND %s) AS deaths
        FROM pregnancies_outcome o JOIN pregnancies_pregnancy p ON p.id = o.pregnancy_id
        {AREA_JOINS}
        GROUP BY 1
    ), a AS (
        SELECT count(*) AS sent, count(acknowledged_at) AS acked,
               percentile_cont(0.5) WITHIN GROUP
                   (ORDER BY acknowledged_at - COALESCE(sent_at, created_at)) AS median
        FROM notifications_alert
        WHERE escalated_from_id IS NULL AND status <> 'cancelled'
          AND created_at >= %s::date::timestamp AT TIME ZONE 'Asia/Jakarta'
          AND created_at < (%s::date + 1)::timestamp AT TIME ZONE 'Asia/Jakarta'
    )
    SELECT d.name, d.code, p.active, p.high, p.vhigh, p.due, p.post_term,
           o.live_births, o.deaths, a.sent, a.acked, a.median
    FROM people_district d LEFT JOIN p ON p.district = d.id LEFT JOIN o ON o.district = d.id
    CROSS JOIN a
    ORDER BY d.name
    """
    soon = today + timedelta(days=14)
    post = today - timedelta(days=14)
    return _fetch(sql, [today, soon, post, first, last, first, last, first, last])


def raw_pws(*, year: int, month: int, district_code: str | None) -> list:
    """The six indicators per area and month, in one statement: each pregnancy's visits
    as date arrays per trimester (no window functions), then K4 and K6 from them."""
    first = date(year - 1, 12, 1)
    end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    if district_code is None:
        area, where, params_area = "COALESCE(vl.district_id, f.district_id)", "", []
    else:
        area = "vl.id"
        where = "AND vl.district_id = (SELECT id FROM people_district WHERE code = %s)"
        params_area = [district_code]
    sql = f"""
    WITH v AS (
        SELECT v.pregnancy_id AS pid, v.date AS d, v.date - p.edd + 280 AS ga,
               u.role = 'doctor' AS doc
        FROM pregnancies_visit v
        JOIN pregnancies_pregnancy p ON p.id = v.pregnancy_id
        JOIN people_user u ON u.id = v.recorded_by_id
        WHERE p.edd BETWEEN %s AND %s
    ), per AS (
        SELECT pid, min(d) AS first_d, min(ga) AS first_ga,
               array_agg(d ORDER BY d) FILTER (WHERE ga <= 84) AS t1,
               array_agg(d ORDER BY d) FILTER (WHERE ga > 84 AND ga <= 168) AS t2,
               array_agg(d ORDER BY d) FILTER (WHERE ga > 168) AS t3,
               min(d) FILTER (WHERE doc AND ga <= 84) AS doc1,
               min(d) FILTER (WHERE doc AND ga > 168) AS doc3
        FROM v GROUP BY pid
    ), x AS (
        SELECT {area} AS area, first_d, first_ga,
               CASE WHEN t1[1] IS NULL OR t2[1] IS NULL OR t3[2] IS NULL THEN NULL
                    ELSE GREATEST(t1[1], t2[1], t3[2]) END AS k4,
               CASE WHEN t1[1] IS NULL OR t2[2] IS NULL OR t3[3] IS NULL OR doc1 IS NULL
                         OR doc3 IS NULL THEN NULL
                    ELSE GREATEST(t1[1], t2[2], t3[3], doc1, doc3) END AS k6
        FROM per JOIN pregnancies_pregnancy p ON p.id = per.pid {AREA_JOINS}
        WHERE true {where}
    ), e AS (
        SELECT area, 'k1_akses' AS ind, first_d AS d FROM x
        UNION ALL SELECT area, 'k1_murni', first_d FROM x WHERE first_ga <= 84
        UNION ALL SELECT area, 'k4', k4 FROM x
        UNION ALL SELECT area, 'k6', k6 FROM x
        UNION ALL
        SELECT {area}, 'pn', o.date FROM pregnancies_outcome o
        JOIN pregnancies_pregnancy p ON p.id = o.pregnancy_id {AREA_JOINS}
        WHERE o.kind IN ('live_birth', 'stillbirth') AND o.date BETWEEN %s AND %s {where}
        UNION ALL
        SELECT {area}, 'risk_detected',
               COALESCE((SELECT min(date) FROM pregnancies_visit WHERE pregnancy_id = p.id),
                        (p.created_at AT TIME ZONE 'Asia/Jakarta')::date)
        FROM pregnancies_pregnancy p {AREA_JOINS}
        WHERE p.risk_band IN ('high', 'very_high') {where}
    )
    SELECT area, ind, to_char(d, 'YYYY-MM') AS ym, count(*)
    FROM e WHERE area IS NOT NULL AND d BETWEEN %s AND %s
    GROUP BY 1, 2, 3
    """
    edd_from, edd_to = first - timedelta(days=140), end + timedelta(days=280)
    params = [edd_from, edd_to, *params_area, first, end, *params_area, *params_area, first, end]
    return _fetch(sql, params)


def raw_high_risk(*, today: date, days: int) -> list:
    sql = f"""
    SELECT p.id, m.full_name, m.village, vl.code, m.phone,
           COALESCE(vd.name, fd.name), f.id, f.name, p.edd, p.risk_band, p.kspr_score,
           p.risk_factors, doc.id, doc.full_name,
           (SELECT max(date) FROM pregnancies_visit WHERE pregnancy_id = p.id),
           (SELECT count(*) FROM notifications_alert a WHERE a.pregnancy_id = p.id
              AND a.acknowledged_at IS NULL AND a.escalated_from_id IS NULL
              AND a.status <> 'cancelled')
    FROM pregnancies_pregnancy p {AREA_JOINS}
    JOIN people_district fd ON fd.id = f.district_id
    LEFT JOIN people_district vd ON vd.id = vl.district_id
    LEFT JOIN people_user doc ON doc.id = p.doctor_id
    WHERE p.status = 'active' AND p.risk_band IN ('high', 'very_high') AND p.edd <= %s
    ORDER BY p.edd, p.id
    """
    return _fetch(sql, [today + timedelta(days=days)])


# -- timing -------------------------------------------------------------------------------


class StatementTimer:
    """Counts the statements a request sends and keeps the slowest."""

    def __init__(self) -> None:
        self.count = 0
        self.slowest = (0.0, "", None)

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if took > self.slowest[0]:
                self.slowest = (took, sql, params)


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def time_endpoint(client, url: str) -> dict:
    from django.db import connection

    timer = StatementTimer()
    start = time.perf_counter()
    with connection.execute_wrapper(timer):
        response = client.get(url)
        body = response.content
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {body[:300]!r}")
    return {
        "seconds": seconds,
        "queries": timer.count,
        "slowest_s": timer.slowest[0],
        "slowest_sql": timer.slowest[1],
        "slowest_params": timer.slowest[2],
        "bytes": len(body),
        "rows": _rows(response),
    }


def _rows(response) -> int | None:
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        for key in ("results", "areas", "by_district"):
            if key in data:
                return len(data[key])
    return None


def refresh(today: date) -> dict:
    """Count ahead, as beat does: how long each part took."""
    from django.utils import timezone

    from jsc.dashboard.refresh import pws_counts_refresh, summary_figures_refresh

    start = time.perf_counter()
    summary_figures_refresh(today=today, now=timezone.now())
    middle = time.perf_counter()
    rows = pws_counts_refresh(today=today, now=timezone.now())
    return {
        "summary_s": middle - start,
        "pws_s": time.perf_counter() - middle,
        "seconds": time.perf_counter() - start,
        "rows": rows,
    }


def run(*, rounds: int, today: date, live: bool = True) -> dict:
    """Every case, ROUNDS times against its baseline. With ``live``, each case that
    reads figures counted ahead is first timed once counted at request time (no refresh
    yet); then the refresh, timed."""
    from jsc.dashboard.models import Refresh
    from jsc.people.models import User

    client = _client(User.objects.get(username="dinkes_bench"))
    counted_now = {}
    if live:
        Refresh.objects.all().delete()
        for case in cases(today):
            if not case["name"].startswith("high-risk"):
                r = time_endpoint(client, case["url"])
                counted_now[case["name"]] = r["seconds"]
                print(f"{case['name']:<34} counted at request time: {r['seconds']:.2f} s")
    refreshed = refresh(today)
    print(
        f"refresh: overview {refreshed['summary_s']:.1f} s, PWS KIA {refreshed['pws_s']:.1f} s"
        f" ({refreshed['rows']:,} count rows)"
    )
    out = []
    for case in cases(today):
        time_endpoint(client, case["url"])  # warm: plans, caches, the first audit page
        case["raw"]()
        ours, raw, last = [], [], None
        for _ in range(rounds):
            last = time_endpoint(client, case["url"])
            ours.append(last["seconds"])
            start = time.perf_counter()
            rows = case["raw"]()
            raw.append(time.perf_counter() - start)
        row = {
            "name": case["name"],
            "url": case["url"],
            "ours_s": median(ours),
            "ours_range": spread(ours),
            "raw_s": median(raw),
            "raw_range": spread(raw),
            "ratio": median(ours) / median(raw) if median(raw) else float("inf"),
            "queries": last["queries"],
            "slowest_s": last["slowest_s"],
            "rows": last["rows"],
            "raw_rows": len(rows),
            "kib": last["bytes"] / 1024,
            "met": max(ours) < LIMIT_S,
            "median_met": median(ours) < LIMIT_S,
        }
        if case["name"] in counted_now:
            row["counted_now_s"] = counted_now[case["name"]]
        out.append(row)
        print_row(row)
    return {"cases": out, "refresh": refreshed}


def explain(today: date) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement each endpoint sends."""
    from django.db import connection

    from jsc.people.models import User

    client = _client(User.objects.get(username="dinkes_bench"))
    plans = {}
    for case in cases(today):
        r = time_endpoint(client, case["url"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + r["slowest_sql"], r["slowest_params"])
            plans[case["name"]] = "\n".join(line for (line,) in cursor.fetchall())
    return plans


def print_row(r: dict) -> None:
    print(
        f"{r['name']:<34} ours {r['ours_s']:6.3f} s ({r['ours_range']})"
        f"  raw {r['raw_s']:6.3f} s  {r['ratio']:5.2f}x  {r['queries']:>3} queries"
        f"  slowest {r['slowest_s']:.3f} s  {'met' if r['met'] else 'MISSED'} 1 s"
    )


if __name__ == "__main__":
    import os

    from bench.common import setup_django

    setup_django()
    from django.utils import timezone

    if sys.argv[1:] == ["explain"]:
        for name, plan in explain(timezone.localdate()).items():
            print(f"== {name}\n{plan}\n")
    else:
        run(
            rounds=int(os.environ.get("ROUNDS", 3)),
            today=timezone.localdate(),
            live=os.environ.get("LIVE", "1") == "1",
        )
