"""The overview: pregnancies now, deliveries and maternal deaths of a year, alerts."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from jsc.dashboard import rules
from jsc.dashboard.selectors.alerts import alert_totals
from jsc.dashboard.selectors.precomputed import freshness, precomputed_figures
from jsc.people.models import District
from pregnancies.models import Outcome, Pregnancy, PregnancyStatus
from pregnancies.rules.dates import POST_TERM_DAYS
from pregnancies.selectors import gestation_reached

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


def district_figures(*, years: list[int]) -> dict:
    """Counted now, per district: active pregnancies by band; live births and maternal
    deaths of each year. Keys are strings (the form the refresh stores as JSON)."""
    active = Q(status=PregnancyStatus.ACTIVE)
    now = {
        str(row.pop("district")): row
        for row in Pregnancy.objects.filter(active)
        .annotate(district=DISTRICT_OF_PREGNANCY)
        .values("district")
        .annotate(
            active_pregnancies=Count("pk"),
            high_risk=Count("pk", filter=Q(risk_band="high")),
            very_high_risk=Count("pk", filter=Q(risk_band="very_high")),
        )
        .values("district", "active_pregnancies", "high_risk", "very_high_risk")
    }
    by_year: dict = {str(y): {} for y in years}
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    outcomes = (
        Outcome.objects.filter(Q(date__range=(first, last)) | Q(mother_died=True))
        .annotate(district=DISTRICT_OF_OUTCOME, death_year=ExtractYear(DEATH_DATE))
        .values("district")
        .annotate(
            **{
                f"{name}_{y}": aggregate
                for y in years
                for name, aggregate in _year_outcomes(y).items()
            }
        )
    )
    for row in outcomes:
        for y in years:
            by_year[str(y)][str(row["district"])] = {
                "live_births": row[f"live_births_{y}"],
                "maternal_deaths": row[f"maternal_deaths_{y}"],
            }
    return {"now": now, "years": by_year}


def _due_counts(today: date) -> dict:
    """Due soon and post-term, counted now, in one pass over the active pregnancies' EDD
    index up to today + 14 days (a fortnight of pregnancies and the overdue ones).
    Post-term is by gestational age (42 weeks), which for an LMP EDD is read from the LMP
    (pregnancies.selectors.gestation_reached)."""
    soon = today + timedelta(days=rules.DUE_SOON_DAYS)
    return Pregnancy.objects.filter(status=PregnancyStatus.ACTIVE, edd__lte=soon).aggregate(
        due_next_14_days=Count("edd", filter=Q(edd__gte=today)),
        post_term=Count("edd", filter=gestation_reached(POST_TERM_DAYS, on=today)),
    )


def dashboard_summary(*, year: int, today: date) -> dict:
    """The overview. The counts per district come from the last refresh when it covers
    the year (docs/dashboard.md, "Speed"), else they are counted now."""
    figures, as_of = precomputed_figures(year)
    if figures is None:
        figures, as_of = district_figures(years=[year]), None
    now, year_rows = figures["now"], figures["years"][str(year)]
    zero = {"active_pregnancies": 0, "high_risk": 0, "very_high_risk": 0}
    no_outcomes = {"live_births": 0, "maternal_deaths": 0}
    by_district = []
    for district in District.objects.order_by("name"):
        outcome_row = year_rows.get(str(district.pk), no_outcomes)
        by_district.append(
            {
                "district": district.name,
                "code": district.code,
                **now.get(str(district.pk), zero),
                **outcome_row,
                "mmr_per_100k_live_births": mmr(
                    outcome_row["maternal_deaths"], outcome_row["live_births"]
                ),
            }
        )

    def total(rows: dict, key: str) -> int:
        return sum(row[key] for row in rows.values())

    births, deaths = total(year_rows, "live_births"), total(year_rows, "maternal_deaths")
    return {
        "year": year,
        "active_pregnancies": total(now, "active_pregnancies"),
        "high_risk": total(now, "high_risk"),
        "very_high_risk": total(now, "very_high_risk"),
        **_due_counts(today),
        "live_births": births,
        "maternal_deaths": deaths,
        "mmr_per_100k_live_births": mmr(deaths, births),
        **alert_totals(year=year),
        **freshness(as_of),
        "by_district": by_district,
    }
