"""Dates and risk factors that must agree with each other (docs/pregnancies.md,
"Dates and factors that contradict each other").

Pure functions: each returns the reasons something is refused, empty when it holds.
Sources: Indonesia's definition of abortus (a loss before 20 completed weeks), the KSPR
card's wording of each factor, and the pregnancy-date rules in dates.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from pregnancies.rules import kspr

# A loss before 20 completed weeks is a miscarriage or an abortion (abortus); from
# 20w0d on the baby is born, alive or not (Indonesia: under 20 weeks or 500 g).
VIABILITY_DAYS = 20 * 7
BEFORE_20_WEEKS_KINDS = frozenset({"miscarriage", "abortion"})
FROM_20_WEEKS_KINDS = frozenset({"live_birth", "stillbirth"})

# Factors that only a first pregnancy can have (gravida 1), and factors that need an
# earlier pregnancy (gravida 2 or more), as the card words them.
FIRST_PREGNANCY_ONLY = frozenset({"too_young", "late_first_pregnancy", "old_first_pregnancy"})
NEEDS_EARLIER_PREGNANCY = frozenset(
    {
        "short_interval",
        "long_interval",
        "previous_pregnancy_loss",
        "previous_assisted_delivery",
        "previous_manual_placenta",
        "previous_transfusion",
        "previous_caesarean",
    }
)


def outcome_kind_error(kind: str, *, start: date, on: date) -> str | None:
    """A miscarriage or abortion under 20w0d; a live birth or stillbirth from 20w0d.

    ``start``: day 0 of the gestational age (dates.ga_start)."""
    ga_days = (on - start).days
    weeks, days = divmod(max(ga_days, 0), 7)
    if kind in BEFORE_20_WEEKS_KINDS and ga_days >= VIABILITY_DAYS:
        return _(
            "A %(kind)s is a loss before 20 completed weeks; on %(on)s the pregnancy was "
            "%(weeks)dw%(days)dd: record a stillbirth or a live birth."
        ) % {"kind": kind, "on": on, "weeks": weeks, "days": days}
    if kind in FROM_20_WEEKS_KINDS and ga_days < VIABILITY_DAYS:
        return _(
            "A %(kind)s is recorded from 20 completed weeks; on %(on)s the pregnancy was "
            "%(weeks)dw%(days)dd: record a miscarriage or an abortion."
        ) % {"kind": kind.replace("_", " "), "on": on, "weeks": weeks, "days": days}
    return None


def previous_outcome_error(*, start: date, previous_outcomes: Iterable[date]) -> str | None:
    """A mother's next pregnancy begins (day 0 of its gestational age, dates.ga_start)
    after her previous one ended."""
    latest = max(previous_outcomes, default=None)
    if latest is not None and start <= latest:
        return _(
            "This pregnancy would begin on %(start)s, on or before the end of the mother's "
            "previous pregnancy (%(latest)s): check the LMP or EDD."
        ) % {"start": start, "latest": latest}
    return None


def factor_contradictions(
    codes: Iterable[str], *, derived: set[str], gravida: int
) -> dict[str, str]:
    """code -> why the mother's data contradicts it; {} when every code is borne out.

    ``derived`` is what the service derives from the same data (kspr.derived_factors):
    a derived code sent back is accepted only when it is in there.
    """
    reasons: dict[str, str] = {}
    for code in dict.fromkeys(codes):
        if code in FIRST_PREGNANCY_ONLY and gravida > 1:
            reasons[code] = _("%(code)s is for a first pregnancy; gravida is %(gravida)d.") % {
                "code": code,
                "gravida": gravida,
            }
        elif code in NEEDS_EARLIER_PREGNANCY and gravida == 1:
            reasons[code] = _("%(code)s needs an earlier pregnancy; gravida is 1.") % {"code": code}
        elif code in kspr.DERIVED_CODES and code not in derived:
            reasons[code] = _(
                "%(code)s is derived from the mother's data (age, parity, height, dates), "
                "and her data does not bear it out."
            ) % {"code": code}
    return reasons
