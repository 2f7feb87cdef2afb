"""The overview: pregnancies now, deliveries and maternal deaths of a year, alerts."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from jsc.dashboard import rules
from jsc.dashboard.selectors.alerts import alert_totals
from jsc.people.models import District
from pregnancies.models import Outcome, Pregnancy, PregnancyStatus

# A pregnancy's district: her village's when it is matched, else her facility's.
DISTRICT_OF_PREGNANCY = Coalesce(
    F("mother__village_place__district_id"), F("facility__district_id")
)
DISTRICT_OF_OUTCOME = Coalesce(
    F("pregnancy__mother__village_place__district_id"), F("pregnancy__facility__district_id")
)
# The day a maternal death counts on: the death's date, else the outcome's.
DEATH_DATE = Coalesce(F("mother_death_date"), F("date"))


def mmr(deaths: int, live_births: int) -> float | None:
    """Maternal deaths per 100,000 live births; None without live births."""
    if not live_births:
        return None
    return round(deaths * rules.MMR_PER / live_births, 1)


def _active_counts(today: date):
    active = Q(status=PregnancyStatus.ACTIVE)
    return {
        "active_pregnancies": Count("pk", filter=active),
        "high_risk": Count("pk", filter=active & Q(risk_band="high")),
        "very_high_risk": Count("pk", filter=active & Q(risk_band="very_high")),
        "due_next_14_days": Count(
            "pk",
            filter=active & Q(edd__range=(today, today + timedelta(days=rules.DUE_SOON_DAYS))),
        ),
        "post_term": Count(
            "pk",
            filter=active & Q(edd__lte=today - timedelta(days=rules.POST_TERM_AFTER_EDD_DAYS)),
        ),
    }


def _year_outcomes(year: int):
    return {
        "live_births": Coalesce(Sum("babies_born_alive", filter=Q(date__year=year)), 0),
        "maternal_deaths": Count("pk", filter=Q(mother_died=True, death_year=year)),
    }


def deaths_by_year(last_year: int, years: int = rules.DEATH_YEARS_SHOWN) -> list[dict]:
    """Maternal deaths, live births and MMR for each of ``years`` years to ``last_year``."""
    first = last_year - years + 1
    births = dict(
        Outcome.objects.filter(date__year__range=(first, last_year))
        .annotate(y=ExtractYear("date"))
        .values("y")
        .annotate(n=Coalesce(Sum("babies_born_alive"), 0))
        .values_list("y", "n")
    )
    deaths = dict(
        Outcome.objects.filter(mother_died=True)
        .annotate(y=ExtractYear(DEATH_DATE))
        .filter(y__range=(first, last_year))
        .values("y")
        .annotate(n=Count("pk"))
        .values_list("y", "n")
    )
    return [
        {
            "year": y,
            "live_births": births.get(y, 0),
            "maternal_deaths": deaths.get(y, 0),
            "mmr_per_100k_live_births": mmr(deaths.get(y, 0), births.get(y, 0)),
        }
        for y in range(first, last_year + 1)
    ]


def dashboard_summary(*, year: int, today: date) -> dict:
    now = Pregnancy.objects.aggregate(**_active_counts(today))
    outcomes = Outcome.objects.annotate(death_year=ExtractYear(DEATH_DATE)).aggregate(
        **_year_outcomes(year)
    )
    by_pregnancy = {
        row.pop("district"): row
        for row in Pregnancy.objects.annotate(district=DISTRICT_OF_PREGNANCY)
        .values("district")
        .annotate(**_active_counts(today))
        .values("district", "active_pregnancies", "high_risk", "very_high_risk")
    }
    by_outcome = {
        row.pop("district"): row
        for row in Outcome.objects.annotate(
            district=DISTRICT_OF_OUTCOME, death_year=ExtractYear(DEATH_DATE)
        )
        .values("district")
        .annotate(**_year_outcomes(year))
        .values("district", "live_births", "maternal_deaths")
    }
    zero = {"active_pregnancies": 0, "high_risk": 0, "very_high_risk": 0}
    by_district = []
    for district in District.objects.order_by("name"):
        outcome_row = by_outcome.get(district.pk, {"live_births": 0, "maternal_deaths": 0})
        by_district.append(
            {
                "district": district.name,
                "code": district.code,
                **by_pregnancy.get(district.pk, zero),
                **outcome_row,
                "mmr_per_100k_live_births": mmr(
                    outcome_row["maternal_deaths"], outcome_row["live_births"]
                ),
            }
        )
    alerts = alert_totals(year=year)
    return {
        "year": year,
        **now,
        "live_births": outcomes["live_births"],
        "maternal_deaths": outcomes["maternal_deaths"],
        "mmr_per_100k_live_births": mmr(outcomes["maternal_deaths"], outcomes["live_births"]),
        **alerts,
        "by_district": by_district,
    }
