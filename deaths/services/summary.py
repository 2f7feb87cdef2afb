"""The facility summary (RMM/RMP) as the service's records tell it: every antenatal
visit, referral with its time, alert and how it was answered, and the outcome, oldest
first (docs/deaths.md, "The steps").

Events carry facility and alert ids, never a staff member's or the mother's name; the
review file names facilities only by their alias (deaths/anonymise.py).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from notifications.models import Alert, AlertStatus
from pregnancies.models import Outcome, Pregnancy, Referral
from pregnancies.rules.anc import visit_label
from pregnancies.rules.dates import gestational_age
from pregnancies.selectors import visits_numbered


def _at(value) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _ga(pregnancy: Pregnancy, on) -> str | None:
    try:
        ga = gestational_age(start=pregnancy.ga_start, on=on)
    except ValueError:
        return None
    return f"{ga.weeks}+{ga.days}"


def _minutes(start, end) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def record_events(pregnancy: Pregnancy) -> list[dict]:
    """The pregnancy's care as events ``{"at", "what", "facility", "detail"}``."""
    events = []
    for visit in visits_numbered(pregnancy.pk).select_related("recorded_by"):
        events.append(
            {
                "at": _at(visit.date),
                "what": "visit",
                "facility": str(visit.recorded_by.facility_id or pregnancy.facility_id),
                "detail": {
                    "label": visit_label(visit.visit_number),
                    "gestational_age": _ga(pregnancy, visit.date),
                    "systolic": visit.systolic,
                    "diastolic": visit.diastolic,
                    "hemoglobin": None if visit.hemoglobin is None else float(visit.hemoglobin),
                    "danger_signs": list(visit.danger_signs),
                },
            }
        )
    for referral in Referral.objects.filter(pregnancy=pregnancy).order_by("at", "id"):
        events.append(
            {
                "at": _at(referral.at),
                "what": "referral",
                "facility": str(referral.from_facility_id),
                "detail": {"to_facility": str(referral.to_facility_id), "kind": referral.kind},
            }
        )
    alerts = (
        Alert.objects.filter(pregnancy=pregnancy, escalated_from__isnull=True)
        .exclude(status=AlertStatus.CANCELLED)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    for alert in alerts:
        pushed = alert.sent_at or alert.created_at
        events.append(
            {
                "at": _at(alert.created_at),
                "what": "alert",
                "facility": str(alert.recipient.facility_id or pregnancy.facility_id),
                "detail": {
                    "milestone": alert.milestone,
                    "risk_band": alert.risk_band,
                    "sent_at": alert.sent_at and _at(alert.sent_at),
                    "acknowledged_at": alert.acknowledged_at and _at(alert.acknowledged_at),
                    "minutes_to_acknowledge": _minutes(pushed, alert.acknowledged_at),
                    "action": alert.action or None,
                    "escalated": alert.escalated_at is not None,
                },
            }
        )
    outcome = Outcome.objects.filter(pregnancy=pregnancy).select_related("recorded_by").first()
    if outcome is not None:
        events.append(
            {
                "at": _at(outcome.date),
                "what": "outcome",
                "facility": str(outcome.recorded_by.facility_id or pregnancy.facility_id),
                "detail": {
                    "kind": outcome.kind,
                    "gestational_age": _ga(pregnancy, outcome.date),
                    "babies_born_alive": outcome.babies_born_alive,
                },
            }
        )
    return sorted(events, key=lambda e: e["at"])
