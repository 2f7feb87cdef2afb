"""What every benchmark shares: the bench database, COPY loading, timing, children.

These machines are shared and noisy, so a figure on its own means little: each
benchmark runs the service's path and a bare baseline side by side, interleaved
round by round, and reports the ratio of their medians.

The bench database is ``BENCH_DATABASE_URL`` (default ``jsc_bench`` on localhost). It
is dropped and re-created, so its name must start with ``jsc_bench``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jsc_bench"
)


def bench_env() -> dict[str, str]:
    """The environment of every bench process: the bench database, test settings."""
    return {
        **os.environ,
        "DATABASE_URL": BENCH_DATABASE_URL,
        "JSC_ENV": "test",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "jsc.settings"),
        "PYTHONPATH": str(ROOT),
    }


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(bench_env())
    import django

    django.setup()


def database_name() -> str:
    name = BENCH_DATABASE_URL.rsplit("/", 1)[-1].split("?", 1)[0]
    if not name.startswith("jsc_bench"):
        raise SystemExit(f"refusing to drop {name!r}: a bench database's name starts jsc_bench")
    return name


def recreate_database() -> None:
    """Drop and create the bench database, then migrate it (in a child: fresh settings)."""
    import psycopg

    name = database_name()
    admin = BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=bench_env(),
        check=True,
    )


# -- loading ------------------------------------------------------------------------------


def copy_rows(model, rows: Iterable[dict]) -> int:
    """COPY rows into the model's table; columns a row leaves out get the field default.

    Field defaults are what Django would write (PostgreSQL does not know them), so a
    field added later by a migration does not break the loader.
    """
    from django.db import connection

    now = _now_text()
    fields = list(model._meta.concrete_fields)
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            # The declared default, "" for a text field, else None (as Django writes).
            defaults[f.attname] = f.get_default()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_text(row.get(f.attname, defaults[f.attname])) for f in fields])
                count += 1
    return count


def _now_text() -> str:
    from django.utils import timezone

    return timezone.now().isoformat()


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def check_seed(n: int) -> None:
    """REUSE_SEED: the database must hold exactly what seed_registry(n) wrote today
    (its EDDs are placed relative to the day it ran) and nothing a benchmark added."""
    from django.utils import timezone

    from pregnancies.models import Pregnancy

    active = Pregnancy.objects.filter(status="active")
    seeded_on = active.values_list("created_at", flat=True).first()
    if (
        active.count() != n
        or Pregnancy.objects.exclude(status="active").exists()
        or seeded_on is None
        or timezone.localdate(seeded_on) != timezone.localdate()
    ):
        raise SystemExit(
            f"REUSE_SEED: {database_name()} does not hold today's seed of {n:,} active"
            " pregnancies alone; run without REUSE_SEED to seed it again"
        )


def seed_registry(n: int, *, today: date, seed: int = 7, villages_per_district: int = 0) -> dict:
    """n active pregnancies over 31 facilities (2 doctors and a midwife each): EDDs
    spread over 10 months (40 days past to 260 ahead), half naming a doctor.

    People and facilities through the ORM (a few dozen rows); persons, mothers and
    pregnancies with COPY. With ``villages_per_district`` (the dashboard's bench), each
    district gets a code and that many villages, and mothers live in their facility's
    district's villages (3% with a village typed but not matched).
    """
    from django.db import connection

    from jsc.people.models import District, Facility, Role, User, Village
    from pregnancies.models import Mother, Person, Pregnancy

    rng = random.Random(seed)
    facilities, doctors, midwives = [], {}, {}
    villages: dict = {}
    for i in range(31):
        district = District.objects.create(
            name=f"Bench district {i}", code=f"35.99.{i + 1:02d}" if villages_per_district else None
        )
        villages[district.id] = [
            Village.objects.create(
                code=f"35.99.{i + 1:02d}.{2001 + k}", name=f"Desa {i}-{k}", district=district
            ).id
            for k in range(villages_per_district)
        ]
        facility = Facility.objects.create(
            code=f"BENCH{i}", name=f"Puskesmas {i}", kind="puskesmas", district=district
        )
        facilities.append(facility)
        doctors[facility.id] = [
            User.objects.create_user(
                username=f"dr{i}_{k}",
                password="bench-password",
                role=Role.DOCTOR,
                facility=facility,
                full_name=f"Doctor {i}-{k}",
            ).id
            for k in range(2)
        ]
        midwives[facility.id] = User.objects.create_user(
            username=f"bidan{i}",
            password="bench-password",
            role=Role.MIDWIFE,
            facility=facility,
            full_name=f"Midwife {i}",
        ).id

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    plan = []
    home = {}
    for i in range(n):
        facility = rng.choice(facilities)
        plan.append((i, uid(), uid(), uid(), facility.id, rng.randint(-40, 260), rng.random()))
        if villages_per_district and rng.random() >= 0.03:
            home[i] = rng.choice(villages[facility.district_id])
    copy_rows(Person, ({"id": p, "nik": f"35{i:014d}"} for i, p, _, _, _, _, _ in plan))
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
                "village_place_id": home.get(i),
                "village": "Desa Bench" if villages_per_district else "",
            }
            for i, p, m, _, f, _, _ in plan
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
                "edd": (edd := today + timedelta(days=d)),
                "lmp": edd - timedelta(days=280),
                # Made from the EDD: an ultrasound one (from an LMP it would follow the
                # calendar rule, docs/domain.md "Pregnancy dates").
                "edd_source": "ultrasound",
                "gravida": 1,
                "para": 0,
                "abortus": 0,
                "kspr_score": 2,
                "risk_band": bands[int(r * 1000) % 10],
                "status": "active",
                "create_digest": "bench",
            }
            for _, p, m, g, f, d, r in plan
        ),
    )
    with connection.cursor() as cursor:
        # As autovacuum would leave them: statistics and visibility maps for every table.
        cursor.execute("VACUUM ANALYZE")
    return {
        "facilities": [f.id for f in facilities],
        "doctors": doctors,
        "midwives": midwives,
        "villages": villages,
    }


# -- measuring ----------------------------------------------------------------------------


class QueryCounter:
    """Counts the statements a block sends (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(fn: Callable[[], object]) -> dict:
    """Time, statements and peak RSS growth (MiB) of one call, in this process."""
    from django.db import connection

    counter = QueryCounter()
    before = _reset_peak_kib()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = fn()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "queries": counter.count,
        "peak_mib": (_peak_kib() - before) / 1024,
        "result": result,
    }


def _reset_peak_kib() -> int:
    """Reset this process's peak RSS and return the current RSS (KiB).

    Not ru_maxrss: a child started from the bench process (fork, then exec) keeps
    the parent's high-water mark, which hid every child's own peak. Linux resets the
    peak (VmHWM) when "5" is written to /proc/self/clear_refs.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kib("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kib() -> int:
    try:
        return _status_kib("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise OSError(f"no {key} in /proc/self/status")


def run_child(script: str, *args: str, env: dict | None = None, timeout: float = 3600) -> dict:
    """Run ``bench/<script> child <args>`` in a fresh process; it prints one JSON line."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "child", *args],
        cwd=ROOT,
        env={**bench_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{script} child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def machine() -> dict[str, str]:
    """What the figures were measured on, and how busy it was."""
    import django
    import psycopg

    load = os.getloadavg()
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = f"{int(line.split()[1]) / 1024 / 1024:.1f}"
    except OSError:
        pass
    with psycopg.connect(BENCH_DATABASE_URL) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        buffers = conn.execute("SHOW shared_buffers").fetchone()[0]
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": f"{mem_gib} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": f"{pg} (shared_buffers {buffers})",
        "load": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)",
    }
