"""How fast alerts are answered, per facility (docs/dashboard.md, "Alert response").

Counted: the alerts raised to doctors in the period (a health officer's escalation
copy is not counted again; cancelled alerts were never owed). Response time runs from
the first push, or from the alert where no device took one, to the acknowledgement.
A facility is the recipient's: the one whose doctor had to answer.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce

from notifications.models import Alert, AlertStatus

DANGER_SIGN = "danger_sign"  # the milestone of an urgent visit's alert
RESPONSE_TIME = ExpressionWrapper(
    F("acknowledged_at") - Coalesce(F("sent_at"), F("created_at")), output_field=DurationField()
)


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _alerts(*, year: int, month: int | None = None):
    # A death alert is to the health office about a case, not a doctor's to answer.
    alerts = Alert.objects.filter(
        escalated_from__isnull=True, pregnancy__isnull=False, created_at__year=year
    ).exclude(status=AlertStatus.CANCELLED)
    if month is not None:
        alerts = alerts.filter(created_at__month=month)
    return alerts


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def _counts():
    acked = Q(acknowledged_at__isnull=False)
    return {
        "alerts_sent": Count("pk"),
        "alerts_acknowledged": Count("pk", filter=acked),
        "unacknowledged_very_high": Count(
            "pk", filter=Q(acknowledged_at__isnull=True, risk_band="very_high")
        ),
        "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
        "danger_sign_alerts": Count("pk", filter=Q(milestone=DANGER_SIGN)),
    }


def _medians(alerts, group: str | None) -> dict:
    """{group value: median response time}, in one query."""
    answered = alerts.filter(acknowledged_at__isnull=False)
    if group is None:
        return {None: answered.aggregate(m=Median(RESPONSE_TIME))["m"]}
    return dict(answered.values(group).annotate(m=Median(RESPONSE_TIME)).values_list(group, "m"))


def alert_totals(*, year: int) -> dict:
    alerts = _alerts(year=year)
    totals = alerts.aggregate(**_counts())
    return {
        "alerts_sent": totals["alerts_sent"],
        "alerts_acknowledged": totals["alerts_acknowledged"],
        "median_hours_to_acknowledge": _hours(_medians(alerts, None).get(None)),
    }


def alert_response(*, year: int, month: int | None = None) -> dict:
    alerts = _alerts(year=year, month=month)
    group = "recipient__facility_id"
    medians = _medians(alerts, group)
    rows = (
        alerts.values(group, "recipient__facility__name", "recipient__facility__code")
        .annotate(**_counts())
        .order_by("recipient__facility__name")
    )
    return {
        "year": year,
        "month": month,
        "by_facility": [
            {
                "facility": {
                    "id": row[group],
                    "code": row["recipient__facility__code"],
                    "name": row["recipient__facility__name"],
                },
                "alerts_sent": row["alerts_sent"],
                "alerts_acknowledged": row["alerts_acknowledged"],
                "median_hours_to_acknowledge": _hours(medians.get(row[group])),
                "unacknowledged_very_high": row["unacknowledged_very_high"],
                "escalated": row["escalated"],
                "danger_sign_alerts": row["danger_sign_alerts"],
            }
            for row in rows
        ],
    }
