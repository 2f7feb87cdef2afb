"""Benchmark: the set-based alert scan against a per-pregnancy baseline, side by side.

These machines are shared and noisy, so absolute times mean little: both
implementations run interleaved on the same data, and the report is their ratio
(median of the rounds). Run with ``make bench`` (PostgreSQL on localhost).

    N=20000 ROUNDS=5 make bench
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")
os.environ.setdefault("JSC_ENV", "test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jsc_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def seed(n: int) -> None:
    import random
    import uuid
    from datetime import date

    from jsc.people.models import District, Facility, Role, User
    from pregnancies.models import Mother, Person, Pregnancy

    rng = random.Random(7)
    facilities = []
    for i in range(31):
        district = District.objects.create(name=f"D{i}")
        facility = Facility.objects.create(
            code=f"F{i}", name=f"F{i}", kind="puskesmas", district=district
        )
        User.objects.create_user(
            username=f"dr{i}", role=Role.DOCTOR, facility=facility, full_name="d"
        )
        facilities.append(facility)
    midwife = User.objects.create_user(
        username="bidan", role=Role.MIDWIFE, facility=facilities[0], full_name="b"
    )
    today = timezone.localdate()
    people = [Person(id=uuid.uuid4(), nik=f"{i:016d}") for i in range(n)]
    Person.objects.bulk_create(people, batch_size=5000)
    mothers = [
        Mother(
            id=uuid.uuid4(),
            person=p,
            facility=rng.choice(facilities),
            full_name="x",
            date_of_birth=date(1995, 1, 1),
        )
        for p in people
    ]
    Mother.objects.bulk_create(mothers, batch_size=5000)
    Pregnancy.objects.bulk_create(
        [
            Pregnancy(
                mother=m,
                person_id=m.person_id,
                facility=m.facility,
                registered_by=midwife,
                edd=(edd := today + timedelta(days=rng.randint(-40, 280))),
                lmp=edd - timedelta(days=280),
                edd_source="lmp",
                gravida=1,
                para=0,
                abortus=0,
                kspr_score=2,
                risk_band=rng.choice(["low", "low", "high", "very_high"]),
                create_digest="bench",
            )
            for m in mothers
        ],
        batch_size=5000,
    )


def baseline_owed(today):
    """What a scan looks like without set-based queries: every active pregnancy, one
    at a time, its rules checked in Python and its alerts looked up row by row."""
    from notifications.models import Alert, AlertRule
    from notifications.owed import LAST_ALERT_DAY
    from pregnancies.models import Pregnancy

    rules = list(AlertRule.objects.filter(active=True).order_by("offset_days"))
    owed = 0
    for pregnancy in Pregnancy.objects.filter(status="active").select_related("facility"):
        days = (today - pregnancy.edd).days
        if days > LAST_ALERT_DAY:
            continue
        mine = [r for r in rules if pregnancy.risk_band in r.bands and r.offset_days <= days]
        if not mine:
            continue
        rule = mine[-1]
        for doctor in pregnancy.facility.staff.filter(role="doctor", is_active=True):
            if not Alert.objects.filter(
                pregnancy=pregnancy, milestone=rule.milestone, recipient=doctor
            ).exists():
                owed += 1
    return owed


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    from notifications.owed import alerts_owed

    n = int(os.environ.get("N", "5000"))
    rounds = int(os.environ.get("ROUNDS", "5"))
    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        seed(n)
        today = timezone.localdate()
        assert len(alerts_owed(today=today)) == baseline_owed(today), "implementations disagree"
        ratios, ours = [], []
        for _ in range(rounds):
            base = timed(lambda: baseline_owed(today))
            mine = timed(lambda: alerts_owed(today=today))
            ratios.append(base / mine)
            ours.append(mine)
        print(f"pregnancies: {n}, rounds: {rounds}, owed today: {len(alerts_owed(today=today))}")
        print(f"set-based scan: median {statistics.median(ours) * 1000:.1f} ms")
        print(f"baseline / set-based: median ratio {statistics.median(ratios):.1f}x")
    finally:
        connection.close()
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
