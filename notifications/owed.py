"""Which alerts are owed today: set-based queries over the active pregnancies.

For each risk band, the active rules for it are ordered by their offset from the EDD.
A pregnancy is owed rule *r* when the most recent milestone that has come for it is
*r* (catch-up, docs/domain.md, "Alerts to doctors": a late registration or a late scan
gets only the latest milestone, not a burst of stale ones). That is an EDD window per
(band, rule), so the whole scan is a fixed handful of indexed queries whatever the
number of pregnancies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q

from jsc.people.models import Role
from notifications.models import Alert, AlertRule
from pregnancies.models import Pregnancy, PregnancyStatus, RiskBand
from pregnancies.rules.dates import PREGNANCY_DAYS, STALE_DAYS

# A pregnancy past 44 weeks without an outcome is stale: no more alerts
# (docs/domain.md, "Pregnancy dates").
LAST_ALERT_DAY = STALE_DAYS - PREGNANCY_DAYS  # days after the EDD


@dataclass(frozen=True)
class Window:
    rule: AlertRule
    band: str
    earliest_edd: date
    latest_edd: date


def windows(rules: list[AlertRule], *, today: date) -> list[Window]:
    """The EDD window in which each (band, rule) is the latest milestone that has come."""
    result = []
    for band in RiskBand.values:
        mine = sorted((r for r in rules if band in r.bands), key=lambda r: r.offset_days)
        for index, rule in enumerate(mine):
            if rule.offset_days > LAST_ALERT_DAY:
                break
            # Days since the EDD, d = today - edd, must satisfy offset <= d < next offset.
            next_offset = (
                mine[index + 1].offset_days if index + 1 < len(mine) else LAST_ALERT_DAY + 1
            )
            last_day = min(next_offset - 1, LAST_ALERT_DAY)
            result.append(
                Window(
                    rule=rule,
                    band=band,
                    earliest_edd=today - timedelta(days=last_day),
                    latest_edd=today - timedelta(days=rule.offset_days),
                )
            )
    return result


def _not_yet_alerted(milestone: str, recipient_ref: str):
    return ~Exists(
        Alert.objects.filter(
            pregnancy=OuterRef("pk"), milestone=milestone, recipient=OuterRef(recipient_ref)
        )
    )


def alerts_owed(*, today: date) -> list[Alert]:
    """Unsaved Alert rows for every (pregnancy, milestone, recipient) owed today.

    Recipients: the pregnancy's named doctor when it names an active one, else every
    active doctor of its facility.
    """
    rules = list(AlertRule.objects.filter(active=True))
    owed: list[Alert] = []
    for window in windows(rules, today=today):
        candidates = Pregnancy.objects.filter(
            status=PregnancyStatus.ACTIVE,
            risk_band=window.band,
            edd__gte=window.earliest_edd,
            edd__lte=window.latest_edd,
        )
        # A named doctor counts while active and still at the pregnancy's facility (one who
        # moved could no longer open it); otherwise the facility's doctors are told.
        named = Q(
            doctor__isnull=False,
            doctor__is_active=True,
            doctor__role=Role.DOCTOR,
            doctor__facility=F("facility"),
        )
        to_named = (
            candidates.filter(named)
            .filter(_not_yet_alerted(window.rule.milestone, "doctor_id"))
            .values_list("id", "doctor_id", "edd", "risk_band")
        )
        # One filter() call, so the staff join, its conditions and the OuterRef all
        # refer to the same row (each call would add a join of its own).
        to_facility = (
            candidates.exclude(named)
            .filter(
                _not_yet_alerted(window.rule.milestone, "facility__staff__id"),
                facility__staff__role=Role.DOCTOR,
                facility__staff__is_active=True,
            )
            .values_list("id", "facility__staff__id", "edd", "risk_band")
        )
        for rows in (to_named, to_facility):
            owed.extend(
                Alert(
                    id=uuid.uuid4(),
                    pregnancy_id=pregnancy_id,
                    recipient_id=recipient_id,
                    milestone=window.rule.milestone,
                    urgent=window.rule.urgent,
                    edd=edd,
                    risk_band=band,
                )
                for pregnancy_id, recipient_id, edd, band in rows
            )
    return owed


def record_owed_alerts(*, today: date) -> int:
    """Write the owed alerts; the unique constraint settles any race between scans."""
    owed = alerts_owed(today=today)
    Alert.objects.bulk_create(owed, batch_size=1000, ignore_conflicts=True)
    return len(owed)
