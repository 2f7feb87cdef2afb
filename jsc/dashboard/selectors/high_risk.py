"""High and very high risk mothers due soon, and the deliveries expected week by week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, UUIDField
from django.db.models.functions import Coalesce

from jsc.dashboard import rules
from jsc.people.models import Facility
from notifications.models import Alert, AlertStatus
from pregnancies.models import (
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralKind,
    RiskBand,
    Visit,
)

HIGH_BANDS = (RiskBand.HIGH, RiskBand.VERY_HIGH)


def birth_plan(band: str) -> dict:
    plan = rules.BIRTH_PLAN[band]
    return {key: str(plan[key]) for key in ("place", "attendant", "referral")}


def high_risk_queryset(*, today: date, due_within_days: int, district=None, facility=None):
    """Active high and very high risk pregnancies with an EDD up to N days ahead (overdue
    ones included: they are the most urgent), soonest first.

    The last visit and the open alerts are subqueries, not a GROUP BY over joined visits
    and alerts: PostgreSQL then works them out only for the rows of the page asked for
    (docs/dashboard.md, "Speed").
    """
    last_visit = Visit.objects.filter(pregnancy=OuterRef("pk")).order_by("-date").values("date")[:1]
    open_alerts = (
        Alert.objects.filter(
            pregnancy=OuterRef("pk"), acknowledged_at__isnull=True, escalated_from__isnull=True
        )
        .exclude(status=AlertStatus.CANCELLED)
        .order_by()
        .values("pregnancy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pregnancies = (
        Pregnancy.objects.filter(
            status=PregnancyStatus.ACTIVE,
            risk_band__in=HIGH_BANDS,
            edd__lte=today + timedelta(days=due_within_days),
        )
        .select_related("mother__village_place__district", "facility__district", "doctor")
        .annotate(
            last_visit=Subquery(last_visit),
            unacknowledged_alerts=Coalesce(Subquery(open_alerts), 0),
        )
        .order_by("edd", "id")
    )
    if district is not None:
        pregnancies = pregnancies.filter(
            Q(mother__village_place__district=district)
            | Q(mother__village_place__isnull=True, facility__district=district)
        )
    if facility is not None:
        # Also the pregnancies referred to this facility: the receiving hospital plans
        # their births too (docs/pregnancies.md, "Referrals").
        referred_here = Referral.objects.filter(pregnancy=OuterRef("pk"), to_facility=facility)
        pregnancies = pregnancies.filter(Q(facility=facility) | Exists(referred_here))
    return pregnancies


def high_risk_rows(pregnancies, *, today: date, mothers_shown: bool) -> list[dict]:
    """The list's rows for pregnancies of ``high_risk_queryset`` (a page, or all).

    Without ``mothers_shown`` (an admin: docs/dashboard.md, "Who sees the mothers") a row
    says which pregnancy, where and when, as a push does: ``mother``, ``kspr_score`` and
    ``risk_factors`` are null.
    """
    rows = []
    for p in pregnancies:
        village = p.mother.village_place
        rows.append(
            {
                "pregnancy": p.pk,
                "mother": {
                    "full_name": p.mother.full_name,
                    "village": p.mother.village,
                    "village_code": village.code if village else None,
                    "phone": p.mother.phone,
                }
                if mothers_shown
                else None,
                "district": village.district.name if village else p.facility.district.name,
                "facility": {"id": p.facility_id, "name": p.facility.name},
                "edd": p.edd,
                "days_to_edd": (p.edd - today).days,
                "risk_band": p.risk_band,
                "kspr_score": p.kspr_score if mothers_shown else None,
                "risk_factors": p.risk_factors if mothers_shown else None,
                "birth_plan": birth_plan(p.risk_band),
                "doctor": None
                if p.doctor is None
                else {
                    "id": p.doctor_id,
                    "full_name": p.doctor.full_name,
                },
                "last_visit": p.last_visit,
                "unacknowledged_alerts": p.unacknowledged_alerts,
            }
        )
    return rows


def high_risk_due(
    *, today: date, due_within_days: int, mothers_shown: bool, district=None, facility=None
) -> list[dict]:
    """Every row of the list (the CSV file and the web page). One query."""
    pregnancies = high_risk_queryset(
        today=today, due_within_days=due_within_days, district=district, facility=facility
    )
    return high_risk_rows(pregnancies, today=today, mothers_shown=mothers_shown)


def expected_deliveries(*, today: date, weeks: int = rules.EXPECTED_DELIVERY_WEEKS) -> dict:
    """Active pregnancies due in each of the next ``weeks`` weeks (week 1 starts today),
    per facility and band. One grouped query.

    A pregnancy with a planned early referral (RDB) is counted where it was last referred
    to deliver, else at the facility that registered it.
    """
    end = today + timedelta(days=7 * weeks - 1)
    planned_at = Subquery(
        Referral.objects.filter(pregnancy=OuterRef("pk"), kind=ReferralKind.RDB)
        .order_by("-at", "-id")
        .values("to_facility_id")[:1]
    )
    rows = (
        Pregnancy.objects.filter(status=PregnancyStatus.ACTIVE, edd__range=(today, end))
        .annotate(delivers_at=Coalesce(planned_at, F("facility_id"), output_field=UUIDField()))
        .annotate(
            delivers_at_name=Subquery(
                Facility.objects.filter(pk=OuterRef("delivers_at")).values("name")[:1]
            )
        )
        .values("delivers_at", "delivers_at_name", "risk_band", "edd")
        .annotate(n=Count("pk"))
        .order_by()
    )
    facilities: dict = {}
    totals = [0] * weeks
    for row in rows:
        week = (row["edd"] - today).days // 7
        entry = facilities.setdefault(
            row["delivers_at"],
            {
                "facility": {"id": row["delivers_at"], "name": row["delivers_at_name"]},
                "weeks": [defaultdict(int) for _ in range(weeks)],
            },
        )
        entry["weeks"][week][row["risk_band"]] += row["n"]
        totals[week] += row["n"]
    out = []
    for entry in sorted(facilities.values(), key=lambda e: e["facility"]["name"]):
        out.append(
            {
                "facility": entry["facility"],
                "weeks": [
                    {band: w.get(band, 0) for band in RiskBand.values} | {"total": sum(w.values())}
                    for w in entry["weeks"]
                ],
            }
        )
    return {
        "weeks": [
            {"start": today + timedelta(days=7 * i), "end": today + timedelta(days=7 * i + 6)}
            for i in range(weeks)
        ],
        "totals": totals,
        "by_facility": out,
    }
