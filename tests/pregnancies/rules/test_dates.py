"""Pregnancy dates (docs/domain.md, "Pregnancy dates"): the EDD by Naegele's calendar rule,
day 0 of the gestational age, trimesters and plausibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.rules.dates import (
    LMP_TO_EDD_MAX_DAYS,
    LMP_TO_EDD_MIN_DAYS,
    DateRuleError,
    GestationalAge,
    age_on,
    check_dates,
    edd_from_lmp,
    ga_start,
    gestational_age,
    resolve_edd,
    trimester,
)

TODAY = date(2026, 3, 10)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def days_ahead(n: int) -> date:
    return TODAY + timedelta(days=n)


# Worked by hand, as a midwife does it: LMP + 7 days, then the same day 9 months on (or
# that month's last day).
@pytest.mark.parametrize(
    ("lmp", "edd"),
    [
        # docs/domain.md's examples
        (date(2026, 5, 24), date(2027, 2, 28)),  # 31 May + 9 months: no 31 February
        (date(2026, 5, 20), date(2027, 2, 27)),  # LMP + 280 days would be 24 February
        # month lengths that agree: the same date as LMP + 280 days
        (date(2026, 1, 1), date(2026, 10, 8)),
        # the 31st into a 30-day month
        (date(2026, 7, 24), date(2027, 4, 30)),  # 31 July -> 30 April
        (date(2026, 12, 24), date(2027, 9, 30)),  # 31 December -> 30 September
        (date(2026, 10, 24), date(2027, 7, 31)),  # 31 October -> 31 July: it exists
        # into February, and leap years
        (date(2026, 5, 21), date(2027, 2, 28)),  # 28 May -> 28 February
        (date(2026, 5, 22), date(2027, 2, 28)),  # 29 May -> 28 February in 2027
        (date(2027, 5, 22), date(2028, 2, 29)),  # 29 May -> 29 February in 2028
        (date(2027, 5, 24), date(2028, 2, 29)),  # 31 May -> the leap day
        (date(2027, 5, 21), date(2028, 2, 28)),  # 28 May -> 28 February, leap year or not
        (date(2028, 2, 29), date(2028, 12, 7)),  # an LMP on a leap day: 7 March + 9 months
        (date(2028, 2, 25), date(2028, 12, 3)),  # + 7 days over 29 February
        (date(2027, 2, 25), date(2027, 12, 4)),  # + 7 days over 28 February
        # December and January
        (date(2026, 12, 28), date(2027, 10, 4)),  # + 7 days into the new year
        (date(2026, 3, 25), date(2027, 1, 1)),  # 1 April + 9 months: New Year's Day
        (date(2026, 4, 1), date(2027, 1, 8)),  # + 9 months into the next year
        (date(2026, 3, 24), date(2026, 12, 31)),  # 31 March + 9 months: the year's last day
    ],
)
def test_it_computes_the_edd_by_naegeles_calendar_rule(lmp, edd):
    assert edd_from_lmp(lmp) == edd


def test_the_calendar_rule_puts_the_edd_280_to_283_days_after_the_lmp():
    # Measured over every LMP of 40 years: both ends occur, nothing outside them.
    lmps = [date(2000, 1, 1) + timedelta(days=n) for n in range(40 * 366)]
    spans = {(edd_from_lmp(lmp) - lmp).days for lmp in lmps}
    assert spans == set(range(LMP_TO_EDD_MIN_DAYS, LMP_TO_EDD_MAX_DAYS + 1)) == {280, 281, 282, 283}


@pytest.mark.parametrize(
    ("lmp", "edd", "source", "start"),
    [
        (date(2026, 5, 20), date(2027, 2, 27), "lmp", date(2026, 5, 20)),  # not EDD - 280
        (date(2026, 5, 20), date(2027, 2, 27), "ultrasound", date(2026, 5, 23)),
        (None, date(2027, 2, 27), "ultrasound", date(2026, 5, 23)),
    ],
)
def test_the_gestational_age_starts_at_the_lmp_or_40_weeks_before_an_ultrasound_edd(
    lmp, edd, source, start
):
    assert ga_start(lmp=lmp, edd=edd, edd_source=source) == start


def test_an_edd_from_the_lmp_needs_the_lmp():
    with pytest.raises(ValueError):
        ga_start(lmp=None, edd=date(2027, 2, 27), edd_source="lmp")


LMP = date(2026, 5, 20)  # EDD 2027-02-27 by the calendar, 283 days on


@pytest.mark.parametrize(
    ("on", "weeks", "days"),
    [
        (LMP, 0, 0),
        (LMP + timedelta(days=6), 0, 6),
        (LMP + timedelta(days=7), 1, 0),
        (LMP + timedelta(days=83), 11, 6),
        (date(2027, 2, 24), 40, 0),
        (date(2027, 2, 27), 40, 3),  # on the Buku KIA's HPL
        (date(2027, 3, 10), 42, 0),  # post-term (294 days) 11 days after the HPL
    ],
)
def test_it_gives_gestational_age_in_completed_weeks_and_days(on, weeks, days):
    start = ga_start(lmp=LMP, edd=edd_from_lmp(LMP), edd_source="lmp")
    ga = gestational_age(start=start, on=on)
    assert ga == GestationalAge(weeks, days)
    assert ga.total_days == (on - LMP).days
    assert ga.as_dict() == {"weeks": weeks, "days": days}


def test_an_ultrasound_edd_is_40_weeks_on_the_day():
    edd = date(2027, 2, 27)
    start = ga_start(lmp=LMP, edd=edd, edd_source="ultrasound")
    assert gestational_age(start=start, on=edd) == GestationalAge(40, 0)


def test_it_refuses_a_gestational_age_before_the_pregnancy_starts():
    with pytest.raises(ValueError):
        gestational_age(start=LMP, on=LMP - timedelta(days=1))


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
        (date(2025, 5, 24), None, (date(2026, 2, 28), "lmp")),  # the calendar rule
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
