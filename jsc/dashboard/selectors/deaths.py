"""The deaths page and GET /api/v1/dashboard/deaths/ (docs/dashboard.md, "Deaths").

One selector for both. Deaths are counted in the year of death in Jember's calendar,
screened-out cases nowhere; MMR is maternal deaths (late maternal counted apart, as ICD
does) over the year's live births, with the denominator stated and a flag when it is
too small to carry a ratio. Cases are few (about 50 maternal and some hundreds of
perinatal deaths a year in Jember), so everything here is counted at request time.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef

from deaths import rules as death_rules
from deaths.models import DeathCase, DeathDeadline, Recommendation, Review, Step, ZeroReport
from deaths.selectors import counted_cases
from jsc.dashboard.selectors.summary import live_births_in, mmr, mmr_reliable
from jsc.people.models import District, Facility

KINDS = ("maternal", "late_maternal", "perinatal")


def _by_kind(rows) -> dict:
    counts = dict.fromkeys(KINDS, 0)
    for kind, n in rows:
        counts[kind] = n
    return counts


def _delays(case: DeathCase) -> dict | None:
    """The delays the review found, else those of the verbal autopsy; None before both."""
    step = getattr(case, "review", None) or getattr(case, "verbal_autopsy", None)
    if step is None:
        return None
    return {d: getattr(step, f"delay_{d}") for d in death_rules.DELAYS}


def _months_ended(year: int, today: date) -> list[int]:
    if year > today.year:
        return []
    return list(range(1, 13 if year < today.year else today.month))


def missing_zero_reports(*, year: int, today: date) -> list[dict]:
    """Each ended month of ``year`` and active facility with neither a death it notified
    nor its "no deaths" report."""
    months = _months_ended(year, today)
    if not months:
        return []
    notified = set(
        DeathCase.objects.filter(died_on__year=year).values_list("facility_id", "died_on__month")
    )
    reported = set(
        ZeroReport.objects.filter(month__year=year).values_list("facility_id", "month__month")
    )
    missing = []
    for month in months:
        for facility in Facility.objects.filter(active=True).order_by("name"):
            key = (facility.pk, month)
            if key not in notified and key not in reported:
                missing.append(
                    {
                        "facility": {
                            "id": facility.pk,
                            "code": facility.code,
                            "name": facility.name,
                        },
                        "month": f"{year}-{month:02d}",
                    }
                )
    return missing


def dashboard_deaths(*, year: int, today: date, now: datetime) -> dict:
    cases = counted_cases(first=date(year, 1, 1), last=date(year, 12, 31))
    totals = _by_kind(cases.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    births = live_births_in(year)

    by_month = {m: dict.fromkeys(KINDS, 0) for m in range(1, 13)}
    for month, kind, n in (
        cases.values("died_on__month", "kind")
        .annotate(n=Count("pk"))
        .values_list("died_on__month", "kind", "n")
    ):
        by_month[month][kind] = n
    by_district_rows: dict = {}
    for district_id, kind, n in (
        cases.values("district_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("district_id", "kind", "n")
    ):
        by_district_rows.setdefault(district_id, dict.fromkeys(KINDS, 0))[kind] = n
    by_district = [
        {"district": d.name, "code": d.code, **by_district_rows[d.pk]}
        for d in District.objects.filter(pk__in=by_district_rows).order_by("name")
    ]

    reviewed = Review.objects.filter(case=OuterRef("pk"))
    listed = list(
        cases.select_related("district", "review", "verbal_autopsy")
        .annotate(reviewed=Exists(reviewed))
        .order_by("died_at", "id")
    )
    causes = dict.fromkeys(death_rules.CAUSE_GROUPS, 0)
    delays = dict.fromkeys(death_rules.DELAYS, 0)
    for case in listed:
        if case.reviewed:
            causes[case.review.cause_group] += 1
        for name, found in (_delays(case) or {}).items():
            delays[name] += found
    within = sum(not c.notified_late for c in listed)
    overdue = DeathDeadline.objects.filter(
        case__in=cases, met_at__isnull=True, due_at__lt=now
    ).exclude(case__status="closed")
    open_recommendations = Recommendation.objects.filter(case__in=cases, done=False)
    return {
        "year": year,
        **totals,
        "live_births": births,
        "mmr_per_100k_live_births": mmr(totals["maternal"], births),
        "mmr_reliable": mmr_reliable(births),
        "by_month": [{"month": m, **counts} for m, counts in by_month.items()],
        "by_district": by_district,
        "by_cause_group": causes,
        "not_reviewed": sum(not c.reviewed for c in listed),
        "by_delay": delays,
        "notified_within_limit_pct": round(100 * within / len(listed), 1) if listed else None,
        "notification_hours": settings.DEATH_NOTIFICATION_HOURS,
        "reviews_done": sum(c.reviewed for c in listed),
        "reviews_overdue": overdue.filter(step=Step.REVIEW).count(),
        "verbal_autopsies_overdue": overdue.filter(step=Step.VERBAL_AUTOPSY).count(),
        "recommendations_open": open_recommendations.count(),
        "recommendations_overdue": open_recommendations.filter(due__lt=today).count(),
        "missing_zero_reports": missing_zero_reports(year=year, today=today),
        "cases": [
            {
                "id": c.pk,
                "case_number": c.case_number,
                "kind": c.kind,
                "status": c.status,
                "died_on": c.died_on,
                "district": c.district.name if c.district else None,
                "registered": c.pregnancy_id is not None,
                "notified_late": c.notified_late,
                "cause_group": c.review.cause_group if c.reviewed else None,
                "delays": _delays(c),
            }
            for c in listed
        ],
    }
