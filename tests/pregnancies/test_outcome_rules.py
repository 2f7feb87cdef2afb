"""pregnancies.rules.outcomes: statuses, and what makes an outcome coherent (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.rules.outcomes import MATERNAL_DEATH_WINDOW_DAYS, outcome_errors, status_after

TODAY = date(2026, 3, 10)
ON = date(2026, 3, 1)
COHERENT = {
    "kind": "live_birth",
    "on": ON,
    "babies_born_alive": 1,
    "mother_died": False,
    "mother_death_date": None,
    "mother_death_cause": "",
    "pregnancy_start": date(2025, 6, 1),
    "last_visit": date(2026, 2, 20),
    "today": TODAY,
}


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("live_birth", "delivered"),
        ("stillbirth", "delivered"),
        ("miscarriage", "ended"),
        ("abortion", "ended"),
    ],
)
def test_each_kind_has_its_status(kind, status):
    assert status_after(kind) == status


def test_an_unknown_kind_has_no_status():
    with pytest.raises(ValueError):
        status_after("twins")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"on": TODAY}, set()),
        ({"on": TODAY + timedelta(days=1)}, {"date"}),
        ({"on": date(2025, 6, 1)}, {"last_visit_is_later"}),
        ({"on": date(2025, 5, 31)}, {"date"}),
        ({"on": date(2026, 2, 19)}, {"date"}),  # before the last visit
        ({"on": date(2026, 2, 20)}, set()),  # on the day of the last visit
        ({"babies_born_alive": 0}, {"babies_born_alive"}),
        ({"babies_born_alive": 3}, set()),
        ({"kind": "stillbirth"}, {"babies_born_alive"}),
        ({"kind": "stillbirth", "babies_born_alive": 0}, set()),
        ({"mother_death_date": ON}, {"mother_death_date"}),
        ({"mother_death_cause": "Perdarahan"}, {"mother_death_cause"}),
        ({"mother_died": True}, {"mother_death_date"}),
        ({"mother_died": True, "mother_death_date": ON}, set()),
        ({"mother_died": True, "mother_death_date": ON - timedelta(days=1)}, {"mother_death_date"}),
        (
            {"mother_died": True, "mother_death_date": TODAY + timedelta(days=1)},
            {"mother_death_date"},
        ),
    ],
)
def test_it_names_every_incoherent_field(changes, fields):
    values = {**COHERENT, **changes}
    if fields == {"last_visit_is_later"}:
        values["last_visit"] = None  # on the first day of the pregnancy, with no visit yet
        fields = set()

    assert set(outcome_errors(**values)) == fields


@pytest.mark.parametrize(("days", "ok"), [(0, True), (42, True), (43, False)])
def test_a_maternal_death_counts_within_42_days_of_the_end(days, ok):
    today = ON + timedelta(days=60)
    values = {
        **COHERENT,
        "today": today,
        "mother_died": True,
        "mother_death_date": ON + timedelta(days=days),
    }

    assert (outcome_errors(**values) == {}) is ok
    assert MATERNAL_DEATH_WINDOW_DAYS == 42
