"""Pregnancy date rules: EDD, gestational age, post-term, plausibility.

Pure functions over `datetime.date`; "today" is always a parameter (the caller
passes Jember's local date), never the server's own date. Source: docs/domain.md, "Pregnancy dates".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

# All day-count limits live here (docs/domain.md, "Pregnancy dates").
PREGNANCY_DAYS = 280  # 40 weeks: the gestational age on an ultrasound EDD
# Naegele's rule in its calendar form (the Buku KIA's): LMP + 7 days, then + 9 months.
NAEGELE_DAYS = 7
NAEGELE_MONTHS = 9
# What that rule puts between the LMP and the EDD, by month lengths: 280 to 283 days
# (tests/pregnancies/rules/test_dates.py measures both ends over 40 years of LMPs).
LMP_TO_EDD_MIN_DAYS = 280
LMP_TO_EDD_MAX_DAYS = 283
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
    """Naegele's rule as the Buku KIA computes it: LMP + 7 days, then + 9 calendar months.

    "+ 7 days, - 3 months, + 1 year" is the same thing. Where that month has no such day
    the EDD is its last day (relativedelta clamps): LMP 2026-05-24 -> 2026-05-31 ->
    2027-02-28. The days come first: LMP 2026-05-20 gives 2027-02-27 (LMP + 280 days
    would give 2027-02-24). docs/domain.md, "Pregnancy dates".
    """
    return lmp + timedelta(days=NAEGELE_DAYS) + relativedelta(months=NAEGELE_MONTHS)


def ga_start(*, lmp: date | None, edd: date, edd_source: str) -> date:
    """Day 0 of the gestational age: the LMP when the EDD comes from it, else EDD - 280.

    By the calendar rule an LMP EDD lies 280 to 283 days after the LMP, so EDD - 280
    would age such a pregnancy up to 3 days too young; an ultrasound EDD says 40 weeks
    on that day. Every date derived from a pregnancy's dates starts here.
    """
    if edd_source == EDD_SOURCE_LMP:
        if lmp is None:
            raise ValueError("An EDD from the LMP needs the LMP.")
        return lmp
    return edd - timedelta(days=PREGNANCY_DAYS)


def gestational_age(*, start: date, on: date) -> GestationalAge:
    """Gestational age on day `on`, counted from `start` (``ga_start``).

    Raises ValueError before the start: a negative age has no clinical meaning, and
    visits dated before the LMP are rejected by the caller anyway.
    """
    days = (on - start).days
    if days < 0:
        raise ValueError("The date is before the start of the pregnancy.")
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
    """(EDD, edd_source): the ultrasound EDD when given, else ``edd_from_lmp``.

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
