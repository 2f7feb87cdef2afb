"""The pregnancy's risk history: every factor added or removed, with its source.

Called inside the writing transaction, after the new assessment is applied, so the
history and the card never disagree (docs/pregnancies.md, "The risk card follows the
pregnancy").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from pregnancies.models import Pregnancy, RiskChange
from pregnancies.rules import kspr


def risk_changes_between(
    *,
    pregnancy: Pregnancy,
    before: Iterable[str],
    source: str,
    by=None,
    visit=None,
    at: datetime | None = None,
) -> list[RiskChange]:
    """Unsaved rows for what differs between ``before`` and the pregnancy's factors now."""
    before, after = list(before), list(pregnancy.risk_factors)
    at = at or timezone.now()
    changes = [(c, RiskChange.Change.REMOVED) for c in before if c not in after] + [
        (c, RiskChange.Change.ADDED) for c in after if c not in before
    ]
    return [
        RiskChange(
            pregnancy_id=pregnancy.pk,
            at=at,
            factor=code,
            change=change,
            points=kspr.FACTORS_BY_CODE[code].points,
            source=source,
            by=by,
            visit=visit,
            kspr_score=pregnancy.kspr_score,
            risk_band=pregnancy.risk_band,
        )
        for code, change in changes
    ]


def risk_history_record(**kwargs) -> list[RiskChange]:
    """Write the changes ``risk_changes_between`` finds; returns them."""
    rows = risk_changes_between(**kwargs)
    if rows:
        RiskChange.objects.bulk_create(rows)
    return rows


BAND_ORDER = {"low": 0, "high": 1, "very_high": 2}


def band_rose(before: str, after: str) -> bool:
    return BAND_ORDER[after] > BAND_ORDER[before]
