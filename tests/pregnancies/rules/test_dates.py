from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.rules.dates import (
    DateRuleError,
    GestationalAge,
    age_on,
    check_dates,
    conception_start,
    edd_from_lmp,
    gestational_age,
    resolve_edd,
    trimester,
)

TODAY = date(2026, 3, 10)
EDD = date(2026, 9, 1)
START = EDD - timedelta(days=280)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def days_ahead(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("lmp", "edd"),
    [
        (date(2026, 1, 1), date(2026, 10, 8)),
        (date(2027, 5, 25), date(2028, 2, 29)),  # lands on a leap day
        (date(2027, 6, 1), date(2028, 3, 7)),  # spans 29 Feb 2028
        (date(2028, 2, 29), date(2028, 12, 5)),  # starts on a leap day
        (date(2026, 5, 25), date(2027, 3, 1)),  # no leap day: calendar form would differ
    ],
)
def test_it_puts_the_edd_280_days_after_the_lmp(lmp, edd):
    assert edd_from_lmp(lmp) == edd
    assert conception_start(edd) == lmp


@pytest.mark.parametrize(
    ("on", "weeks", "days"),
    [
        (START, 0, 0),
        (START + timedelta(days=6), 0, 6),
        (START + timedelta(days=7), 1, 0),
        (START + timedelta(days=83), 11, 6),
        (EDD, 40, 0),
        (EDD + timedelta(days=10), 41, 3),
    ],
)
def test_it_gives_gestational_age_in_weeks_and_days(on, weeks, days):
    ga = gestational_age(EDD, on)
    assert ga == GestationalAge(weeks, days)
    assert ga.total_days == (on - START).days
    assert ga.as_dict() == {"weeks": weeks, "days": days}


def test_it_refuses_a_gestational_age_before_the_pregnancy_starts():
    with pytest.raises(ValueError):
        gestational_age(EDD, START - timedelta(days=1))


@pytest.mark.parametrize(
    ("ga_days", "expected"),
    [(0, 1), (84, 1), (85, 2), (168, 2), (169, 3), (300, 3)],
)
def test_it_splits_trimesters_at_12_and_24_weeks(ga_days, expected):
    assert trimester(ga_days) == expected


def test_it_refuses_a_negative_trimester():
    with pytest.raises(ValueError):
        trimester(-1)


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(1990, 3, 10), date(2026, 3, 10), 36),
        (date(1990, 3, 11), date(2026, 3, 10), 35),
        (date(2004, 2, 29), date(2021, 2, 28), 16),
        (date(2004, 2, 29), date(2021, 3, 1), 17),
    ],
)
def test_it_counts_age_in_full_years(dob, on, age):
    assert age_on(dob, on) == age


@pytest.mark.parametrize(
    ("lmp", "edd", "errors"),
    [
        (TODAY, None, {}),
        (days_ago(308), None, {}),
        (None, days_ago(28), {}),
        (None, days_ahead(280), {}),
        (days_ago(60), days_ahead(250), {}),  # they disagree: fine, ultrasound wins
        (None, None, {"lmp": ["Give lmp or edd."]}),
        (days_ahead(1), None, {"lmp": ["The LMP cannot be in the future."]}),
        (days_ago(309), None, {"lmp": ["The LMP cannot be more than 44 weeks (308 days) ago."]}),
        (
            None,
            days_ago(29),
            {"edd": ["The ultrasound EDD cannot be more than 4 weeks (28 days) in the past."]},
        ),
        (
            None,
            days_ahead(281),
            {"edd": ["The ultrasound EDD cannot be more than 40 weeks (280 days) ahead."]},
        ),
    ],
)
def test_it_checks_the_dates_are_plausible(lmp, edd, errors):
    assert check_dates(lmp=lmp, edd=edd, today=TODAY) == errors


def test_it_reports_both_fields_when_both_are_implausible():
    errors = check_dates(lmp=days_ahead(1), edd=days_ago(29), today=TODAY)
    assert set(errors) == {"lmp", "edd"}


@pytest.mark.parametrize(
    ("lmp", "edd", "expected"),
    [
        (date(2026, 1, 1), None, (date(2026, 10, 8), "lmp")),
        (date(2026, 1, 1), date(2026, 10, 1), (date(2026, 10, 1), "ultrasound")),
        (None, date(2026, 10, 1), (date(2026, 10, 1), "ultrasound")),
    ],
)
def test_it_resolves_the_edd_preferring_ultrasound(lmp, edd, expected):
    assert resolve_edd(lmp=lmp, edd=edd, today=TODAY) == expected


def test_it_refuses_to_resolve_implausible_dates():
    with pytest.raises(DateRuleError) as caught:
        resolve_edd(lmp=None, edd=None, today=TODAY)
    assert caught.value.errors == {"lmp": ["Give lmp or edd."]}
