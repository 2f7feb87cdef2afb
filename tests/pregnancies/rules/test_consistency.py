"""Table tests of dates and factors that contradict each other (rules/consistency.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.rules import kspr
from pregnancies.rules.consistency import (
    factor_contradictions,
    outcome_kind_error,
    previous_outcome_error,
)

START = date(2025, 12, 25)  # day 0 of the gestational age (dates.ga_start)
AT_19W6D = START + timedelta(days=19 * 7 + 6)
AT_20W0D = START + timedelta(days=20 * 7)


@pytest.mark.parametrize(
    ("kind", "on", "refused"),
    [
        ("miscarriage", AT_19W6D, False),
        ("miscarriage", AT_20W0D, True),
        ("abortion", AT_19W6D, False),
        ("abortion", AT_20W0D, True),
        ("stillbirth", AT_19W6D, True),
        ("stillbirth", AT_20W0D, False),
        ("live_birth", AT_19W6D, True),
        ("live_birth", AT_20W0D, False),
    ],
)
def test_each_outcome_kind_is_checked_against_20_completed_weeks(kind, on, refused):
    error = outcome_kind_error(kind, start=START, on=on)

    assert (error is not None) is refused
    if refused:
        assert ("19w6d" if on == AT_19W6D else "20w0d") in error


@pytest.mark.parametrize(
    ("previous", "refused"),
    [
        ([], False),
        ([START - timedelta(days=1)], False),
        ([START], True),  # ended the day this one began
        ([START + timedelta(days=5)], True),
        ([date(2020, 1, 1), START + timedelta(days=5)], True),  # the latest counts
        ([date(2020, 1, 1), date(2024, 1, 1)], False),
    ],
)
def test_a_new_pregnancy_begins_after_the_previous_outcome(previous, refused):
    error = previous_outcome_error(start=START, previous_outcomes=previous)

    assert (error is not None) is refused


def derived_for(age: int, gravida: int, para: int = 0, height: float = 155, ga_days: int = 100):
    return kspr.derived_factors(
        age_years=age, gravida=gravida, para=para, height_cm=height, ga_days=ga_days
    )


@pytest.mark.parametrize(
    ("code", "age", "gravida", "para", "height", "ga_days"),
    [
        # A first-pregnancy factor for a gravida of 2 or more.
        ("too_young", 16, 2, 1, 155, 100),
        ("late_first_pregnancy", 25, 2, 1, 155, 100),
        ("old_first_pregnancy", 36, 3, 2, 155, 100),
        # A factor the data does not bear out.
        ("too_young", 30, 1, 0, 155, 100),
        ("old_first_pregnancy", 30, 1, 0, 155, 100),
        ("age_35_plus", 26, 2, 1, 155, 100),
        ("many_children", 30, 4, 3, 155, 100),
        ("short_stature", 30, 2, 1, 146, 100),
        ("post_term", 30, 2, 1, 155, 293),
        # A factor that needs an earlier pregnancy, for a first one.
        *[
            (code, 25, 1, 0, 155, 100)
            for code in (
                "short_interval",
                "long_interval",
                "previous_pregnancy_loss",
                "previous_assisted_delivery",
                "previous_manual_placenta",
                "previous_transfusion",
                "previous_caesarean",
            )
        ],
    ],
)
def test_each_contradicted_factor_is_refused_with_its_reason(
    code, age, gravida, para, height, ga_days
):
    derived = derived_for(age, gravida, para, height, ga_days)

    reasons = factor_contradictions([code], derived=derived, gravida=gravida)

    assert list(reasons) == [code]
    assert code in reasons[code]


@pytest.mark.parametrize(
    ("code", "age", "gravida", "para", "height", "ga_days"),
    [
        ("too_young", 16, 1, 0, 155, 100),
        ("old_first_pregnancy", 35, 1, 0, 155, 100),
        ("age_35_plus", 35, 2, 1, 155, 100),
        ("many_children", 30, 5, 4, 155, 100),
        ("short_stature", 30, 2, 1, 145, 100),
        ("post_term", 30, 2, 1, 155, 294),
        ("late_first_pregnancy", 30, 1, 0, 155, 100),
        ("previous_caesarean", 30, 2, 1, 155, 100),
        ("anaemia", 30, 1, 0, 155, 100),
    ],
)
def test_a_factor_the_data_bears_out_is_accepted(code, age, gravida, para, height, ga_days):
    derived = derived_for(age, gravida, para, height, ga_days)

    assert factor_contradictions([code], derived=derived, gravida=gravida) == {}
