"""Pregnancy date rules: EDD, gestational age, post-term, plausibility.

Pure functions over `datetime.date`; "today" is always a parameter (the caller
passes Jember's local date), never the server's own date. Source: docs/domain.md, "Pregnancy dates".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

# All day-count limits live here (docs/domain.md, "Pregnancy dates").
PREGNANCY_DAYS = 280  # Naegele's rule as a day count: EDD = LMP + 280 days
POST_TERM_DAYS = 294  # 42 weeks: post-term from this gestational age on
STALE_DAYS = 308  # 44 weeks: past this with no outcome, the pregnancy is stale
MAX_LMP_AGE_DAYS = 308  # an LMP more than 44 weeks ago is implausible
US_EDD_MAX_PAST_DAYS = 28  # an ultrasound EDD at most 4 weeks in the past
US_EDD_MAX_AHEAD_DAYS = 280  # an ultrasound EDD at most 40 weeks ahead

# Trimester upper bounds in gestational days (docs/domain.md, "Pregnancy dates", trimesters):
# trimester 1 up to 12 weeks, trimester 2 over 12 up to 24 weeks, trimester 3 after.
TRIMESTER_1_MAX_DAYS = 12 * 7
TRIMESTER_2_MAX_DAYS = 24 * 7

EDD_SOURCE_LMP = "lmp"
EDD_SOURCE_ULTRASOUND = "ultrasound"


class DateRuleError(ValueError):
    """Dates that fail the plausibility checks; `errors` maps field -> messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


@dataclass(frozen=True)
class GestationalAge:
    """Gestational age shown the clinical way, as completed weeks + days."""

    weeks: int
    days: int

    @classmethod
    def from_days(cls, total_days: int) -> GestationalAge:
        if total_days < 0:
            raise ValueError("Gestational age cannot be negative.")
        weeks, days = divmod(total_days, 7)
        return cls(weeks=weeks, days=days)

    @property
    def total_days(self) -> int:
        return self.weeks * 7 + self.days

    def as_dict(self) -> dict[str, int]:
        return {"weeks": self.weeks, "days": self.days}


def edd_from_lmp(lmp: date) -> date:
    """EDD = LMP + 280 days (not the calendar form, which can differ by a day)."""
    return lmp + timedelta(days=PREGNANCY_DAYS)


def conception_start(edd: date) -> date:
    """The effective LMP implied by an EDD: day 0 of gestational age."""
    return edd - timedelta(days=PREGNANCY_DAYS)


def _ga_days(edd: date, on: date) -> int:
    return (on - conception_start(edd)).days


def gestational_age(edd: date, on: date) -> GestationalAge:
    """Gestational age on day `on` = on - (EDD - 280 days).

    Raises ValueError before the effective LMP: a negative age has no clinical
    meaning, and visits dated before the LMP are rejected by the caller anyway.
    """
    days = _ga_days(edd, on)
    if days < 0:
        raise ValueError("The date is before the start of the pregnancy (EDD - 280 days).")
    return GestationalAge.from_days(days)


def trimester(ga_days: int) -> int:
    """1 up to 12 weeks (<= 84 days), 2 up to 24 weeks (<= 168 days), else 3."""
    if ga_days < 0:
        raise ValueError("Gestational age cannot be negative.")
    if ga_days <= TRIMESTER_1_MAX_DAYS:
        return 1
    if ga_days <= TRIMESTER_2_MAX_DAYS:
        return 2
    return 3


def age_on(dob: date, on: date) -> int:
    """Full years completed on `on` (someone born on 29 February ages on 1 March)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def check_dates(*, lmp: date | None, edd: date | None, today: date) -> dict[str, list[str]]:
    """Plausibility of an LMP and/or ultrasound EDD; field -> messages, {} when fine.

    When both are given they may disagree: the ultrasound EDD wins (docs/domain.md).
    """
    errors: dict[str, list[str]] = {}
    if lmp is None and edd is None:
        return {"lmp": [_("Give lmp or edd.")]}
    if lmp is not None:
        if lmp > today:
            errors.setdefault("lmp", []).append(_("The LMP cannot be in the future."))
        elif (today - lmp).days > MAX_LMP_AGE_DAYS:
            errors.setdefault("lmp", []).append(
                _("The LMP cannot be more than 44 weeks (%(days)d days) ago.")
                % {"days": MAX_LMP_AGE_DAYS}
            )
    if edd is not None:
        if (today - edd).days > US_EDD_MAX_PAST_DAYS:
            errors.setdefault("edd", []).append(
                _("The ultrasound EDD cannot be more than 4 weeks (%(days)d days) in the past.")
                % {"days": US_EDD_MAX_PAST_DAYS}
            )
        elif (edd - today).days > US_EDD_MAX_AHEAD_DAYS:
            errors.setdefault("edd", []).append(
                _("The ultrasound EDD cannot be more than 40 weeks (%(days)d days) ahead.")
                % {"days": US_EDD_MAX_AHEAD_DAYS}
            )
    return errors


def resolve_edd(*, lmp: date | None, edd: date | None, today: date) -> tuple[date, str]:
    """(EDD, edd_source): the ultrasound EDD when given, else LMP + 280 days.

    Runs `check_dates` first and raises DateRuleError with its errors, so no
    implausible EDD can be stored.
    """
    errors = check_dates(lmp=lmp, edd=edd, today=today)
    if errors:
        raise DateRuleError(errors)
    if edd is not None:
        return edd, EDD_SOURCE_ULTRASOUND
    assert lmp is not None  # check_dates rejects neither-given
    return edd_from_lmp(lmp), EDD_SOURCE_LMP
