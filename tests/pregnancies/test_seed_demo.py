"""seed_demo's registry extension: a realistic, deterministic, idempotent demo regency."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

from django.core.management import call_command

from jsc.people.demo import seed_people
from pregnancies import demo
from pregnancies.models import AuditEntry, Mother, Outcome, Pregnancy, Visit
from pregnancies.rules.dates import POST_TERM_DAYS, trimester
from pregnancies.rules.nik import nik_errors
from tests.pregnancies.helpers import TODAY


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return [
        sorted(Pregnancy.objects.values_list("id", "updated_at", "risk_band", "status")),
        sorted(Visit.objects.values_list("id", flat=True)),
        sorted(Outcome.objects.values_list("pregnancy_id", "updated_at")),
        Mother.objects.count(),
        AuditEntry.objects.count(),
    ]


def test_it_seeds_a_realistic_regency(db):
    assert "Demo pregnancies: 300 new" in seed_demo()

    # A few hundred, in every demo puskesmas.
    assert Pregnancy.objects.count() == Mother.objects.count() == 300
    assert Pregnancy.objects.values("facility").distinct().count() == 31
    # Every trimester (and some post-term), every risk band.
    active = Pregnancy.objects.filter(status="active")
    ages = [(TODAY - p.ga_start).days for p in active]
    spread = Counter("post" if d >= POST_TERM_DAYS else trimester(d) for d in ages)
    assert all(spread[t] >= 10 for t in (1, 2, 3, "post")), spread
    bands = Counter(Pregnancy.objects.values_list("risk_band", flat=True))
    assert all(bands[b] >= 20 for b in ("low", "high", "very_high")), bands
    # Visits, outcomes of every common kind, two maternal deaths.
    assert Visit.objects.count() > 500
    kinds = Counter(Outcome.objects.values_list("kind", flat=True))
    assert kinds["live_birth"] >= 15 and kinds["stillbirth"] + kinds["miscarriage"] >= 2
    assert Outcome.objects.filter(mother_died=True).count() == 2
    assert Pregnancy.objects.exclude(status="active").count() == Outcome.objects.count()
    # Valid women's NIKs of Jember (35.09), district 01..31.
    for nik, dob in Mother.objects.values_list("person__nik", "date_of_birth"):
        assert nik.startswith("3509") and 1 <= int(nik[4:6]) <= 31
        assert nik_errors(nik, dob, require_female=True) == []


def test_a_second_run_changes_nothing_even_days_later(db, frozen_day):
    seed_demo()
    before = snapshot()

    assert "Demo pregnancies: 0 new" in seed_demo()
    frozen_day.shift(timedelta(days=40))
    seed_demo()

    assert snapshot() == before


def test_it_draws_the_same_demo_every_time(db):
    seed_people()
    staff = demo._staff()

    def plans():
        return [demo._plan(i, staff[i % len(staff)], TODAY)["data"] for i in range(demo.COUNT)]

    first, second = plans(), plans()

    assert first == second
    assert len({p["id"] for p in first}) == len({p["mother"]["nik"] for p in first}) == 300
