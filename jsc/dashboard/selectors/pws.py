"""PWS KIA: coverage per district or village, cumulative from January (docs/dashboard.md).

Three aggregate queries count the events (first contacts, K4, K6 from the visits in
SQL; deliveries and high-risk registrations through the ORM), grouped by area and
month; two more read the areas and their populations. Nothing runs per pregnancy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from jsc.dashboard import rules
from jsc.dashboard.models import TargetYear, VillagePopulation
from jsc.dashboard.selectors.precomputed import freshness, precomputed_events
from jsc.dashboard.selectors.sql import gestational_days, latest_of, year_month
from jsc.people.models import District, Facility, User, Village
from pregnancies.models import Mother, Outcome, OutcomeKind, Pregnancy, Visit
from pregnancies.rules.dates import LMP_TO_EDD_MAX_DAYS, PREGNANCY_DAYS

DELIVERY_KINDS = (OutcomeKind.LIVE_BIRTH, OutcomeKind.STILLBIRTH)
HIGH_BANDS = ("high", "very_high")


@dataclass
class Targets:
    year: int
    crude_birth_rate_per_1000: Decimal | None
    annual_target_pct: dict[str, int]
    demo: bool
    exists: bool


@dataclass
class Area:
    id: int
    code: str | None
    name: str
    population: int | None = None
    target_pregnancies: int | None = None
    target_deliveries: int | None = None
    indicators: dict = field(default_factory=dict)


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def targets_for(year: int) -> Targets:
    found = TargetYear.objects.filter(year=year).first()
    pct = dict(rules.DEFAULT_ANNUAL_TARGET_PCT)
    if found is None:
        return Targets(year, None, pct, demo=False, exists=False)
    pct.update(found.annual_target_pct or {})
    return Targets(year, found.crude_birth_rate_per_1000, pct, demo=found.demo, exists=True)


def expected(population: int | None, cbr: Decimal | None, factor: Decimal) -> int | None:
    """Target (sasaran) = factor x CBR x population, rounded to whole women."""
    if not population or cbr is None:
        return None
    value = factor * cbr / Decimal(1000) * Decimal(population)
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def _pct(count: int, base: int | None) -> float | None:
    if not base:
        return None
    return round(count * 100 / base, 1)


# How events are grouped: by district (the regency's PWS), by village of one district,
# or by district and village together (the precomputed counts, docs/dashboard.md, "Speed").
BY_DISTRICT, BY_VILLAGE, BY_BOTH = "district", "village", "both"


def _level(district_id: int | None, by: str | None) -> str:
    return by or (BY_DISTRICT if district_id is None else BY_VILLAGE)


def _visit_events(
    *, start: date, end: date, district_id: int | None, by: str | None = None
) -> list[tuple]:
    """(area id, village id, indicator, 'YYYY-MM', count) for first contacts, K4 and K6.

    Each visit gets its trimester from its gestational age and its place in that
    trimester (and among the doctor's visits of that trimester); per pregnancy, the
    date an indicator was reached is the latest of the visits its schedule asks for.
    """
    t1, t2 = rules.TRIMESTER_MAX_DAYS[1], rules.TRIMESTER_MAX_DAYS[2]
    # The date of the n-th visit of trimester t, for every (t, n) a schedule asks for.
    needed = sorted({(t, n) for s in (rules.K4_SCHEDULE, rules.K6_SCHEDULE) for t, n in s.items()})
    nth = ",\n".join(
        f"MIN(CASE WHEN tri = {t} AND n_tri = {n} THEN d END) AS t{t}_{n}" for t, n in needed
    )
    doctor = ",\n".join(
        f"MIN(CASE WHEN tri = {t} AND doc = 1 AND n_doc = 1 THEN d END) AS doc{t}"
        for t in rules.K6_DOCTOR_TRIMESTERS
    )
    k4 = latest_of([f"t{t}_{n}" for t, n in rules.K4_SCHEDULE.items()])
    k6 = latest_of(
        [f"t{t}_{n}" for t, n in rules.K6_SCHEDULE.items()]
        + [f"doc{t}" for t in rules.K6_DOCTOR_TRIMESTERS]
    )
    level = _level(district_id, by)
    area, village = "COALESCE(vl.district_id, f.district_id)", "NULL::integer"
    if level == BY_VILLAGE:
        area = "vl.id"
    elif level == BY_BOTH:
        village = "vl.id"
    where_area, params_area = "", []
    if district_id is not None:
        where_area, params_area = "AND vl.district_id = %s", [district_id]
    tables = {
        "visit": Visit._meta.db_table,
        "pregnancy": Pregnancy._meta.db_table,
        "mother": Mother._meta.db_table,
        "user": User._meta.db_table,
        "facility": Facility._meta.db_table,
        "village": Village._meta.db_table,
    }
    sql = f"""
    WITH v AS (
        SELECT v.pregnancy_id AS pid, v.date AS d, v.created_at AS c, v.id AS vid,
               {gestational_days("v.date", "p")} AS ga,
               CASE WHEN u.role = 'doctor' THEN 1 ELSE 0 END AS doc
        FROM {tables["visit"]} v
        JOIN {tables["pregnancy"]} p ON p.id = v.pregnancy_id
        JOIN {tables["user"]} u ON u.id = v.recorded_by_id
        WHERE p.edd BETWEEN %s AND %s
    ), t AS (
        SELECT pid, d, c, vid, ga, doc,
               CASE WHEN ga <= {t1} THEN 1 WHEN ga <= {t2} THEN 2 ELSE 3 END AS tri
        FROM v
    ), r AS (
        SELECT pid, d, ga, doc, tri,
               ROW_NUMBER() OVER (PARTITION BY pid, tri ORDER BY d, c, vid) AS n_tri,
               ROW_NUMBER() OVER (PARTITION BY pid, tri, doc ORDER BY d, c, vid) AS n_doc
        FROM t
    ), per AS (
        SELECT pid, MIN(d) AS first_d, MIN(ga) AS first_ga,
               {nth},
               {doctor}
        FROM r GROUP BY pid
    ), x AS (
        SELECT {area} AS area, {village} AS village, per.first_d, per.first_ga,
               {k4} AS k4_d, {k6} AS k6_d
        FROM per
        JOIN {tables["pregnancy"]} p ON p.id = per.pid
        JOIN {tables["mother"]} m ON m.id = p.mother_id
        JOIN {tables["facility"]} f ON f.id = p.facility_id
        LEFT JOIN {tables["village"]} vl ON vl.id = m.village_place_id
        WHERE 1 = 1 {where_area}
    ), e AS (
        SELECT area, village, 'k1_akses' AS ind, first_d AS d FROM x
        UNION ALL SELECT area, village, 'k1_murni', first_d FROM x WHERE first_ga <= {t1}
        UNION ALL SELECT area, village, 'k4', k4_d FROM x
        UNION ALL SELECT area, village, 'k6', k6_d FROM x
    )
    SELECT area, village, ind, {year_month("d")} AS ym, COUNT(*)
    FROM e WHERE area IS NOT NULL AND d BETWEEN %s AND %s
    GROUP BY area, village, ind, {year_month("d")}
    """
    # A visit lies between the start of its pregnancy (at most LMP_TO_EDD_MAX_DAYS before
    # the EDD) and a few weeks past the EDD, so only pregnancies with an EDD near the
    # window can count.
    edd_from = start - timedelta(days=2 * PREGNANCY_DAYS // 4)
    edd_to = end + timedelta(days=LMP_TO_EDD_MAX_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [edd_from, edd_to, *params_area, start, end])
        return cursor.fetchall()


def _orm_events(
    *, start: date, end: date, district_id: int | None, by: str | None = None
) -> list[tuple]:
    """(area id, village id, indicator, 'YYYY-MM', count) for deliveries (Pn) and high
    risk detected."""
    level = _level(district_id, by)

    def area_of(prefix: str):
        if level == BY_VILLAGE:
            return F(f"{prefix}mother__village_place_id")
        return Coalesce(
            F(f"{prefix}mother__village_place__district_id"), F(f"{prefix}facility__district_id")
        )

    def village_of(prefix: str):
        if level == BY_BOTH:
            return F(f"{prefix}mother__village_place_id")
        return Value(None, output_field=IntegerField())

    narrow: dict = {}
    if district_id is not None:
        narrow = {"mother__village_place__district_id": district_id}
    deliveries = (
        Outcome.objects.filter(
            kind__in=DELIVERY_KINDS,
            date__range=(start, end),
            **{f"pregnancy__{k}": v for k, v in narrow.items()},
        )
        .annotate(
            area=area_of("pregnancy__"), village=village_of("pregnancy__"), month=TruncMonth("date")
        )
        .values("area", "village", "month")
        .annotate(n=Count("pk"))
        .values_list("area", "village", "month", "n")
    )
    # High risk detected: a high or very high band pregnancy, counted on its first contact
    # (the first visit, or the registration when no visit is recorded yet).
    first_visit = Visit.objects.filter(pregnancy=OuterRef("pk")).order_by("date").values("date")[:1]
    risky = (
        Pregnancy.objects.filter(risk_band__in=HIGH_BANDS)
        .filter(**narrow)
        .annotate(
            detected=Coalesce(Subquery(first_visit), TruncDate("created_at")),
            area=area_of(""),
            village=village_of(""),
        )
        .filter(detected__range=(start, end))
        .annotate(month=TruncMonth("detected"))
        .values("area", "village", "month")
        .annotate(n=Count("pk"))
        .values_list("area", "village", "month", "n")
    )
    rows = [(a, v, "pn", f"{m:%Y-%m}", n) for a, v, m, n in deliveries if a is not None]
    rows += [(a, v, "risk_detected", f"{m:%Y-%m}", n) for a, v, m, n in risky if a is not None]
    return rows


def pws_events(*, start: date, end: date, district_id: int | None = None, by=None) -> list:
    """Every indicator's (area id, village id, indicator, 'YYYY-MM', count), computed now."""
    return [
        *_visit_events(start=start, end=end, district_id=district_id, by=by),
        *_orm_events(start=start, end=end, district_id=district_id, by=by),
    ]


def _areas(district: District | None, year: int) -> list[Area]:
    if district is None:
        places = District.objects.order_by(F("code").asc(nulls_last=True), "name")
        populations = dict(
            VillagePopulation.objects.filter(target_year__year=year)
            .values("village__district_id")
            .annotate(total=Sum("population"))
            .values_list("village__district_id", "total")
        )
    else:
        places = Village.objects.filter(district=district).order_by("code")
        populations = dict(
            VillagePopulation.objects.filter(
                target_year__year=year, village__district=district
            ).values_list("village_id", "population")
        )
    return [Area(p.pk, p.code, p.name, population=populations.get(p.pk)) for p in places]


def pws_kia(*, year: int, month: int, district: District | None = None) -> dict:
    """The contract's PWS KIA answer, with each area's month-by-month cumulative series."""
    targets = targets_for(year)
    end = month_end(year, month)
    # Last month of January is December: its counts are read along with this year's.
    window_start = date(year - 1, 12, 1)
    district_id = district.pk if district else None
    counts: dict = defaultdict(int)
    events, as_of = precomputed_events(start=window_start, end=end, district_id=district_id)
    if events is None:
        events, as_of = pws_events(start=window_start, end=end, district_id=district_id), None
    for area, _village, ind, ym, n in events:
        counts[(area, ind, ym)] += n

    months = [month_key(year, m) for m in range(1, month + 1)]
    previous = month_key(year, month - 1) if month > 1 else month_key(year - 1, 12)
    areas = _areas(district, year)
    for area in areas:
        cbr = targets.crude_birth_rate_per_1000
        area.target_pregnancies = expected(area.population, cbr, rules.PREGNANCY_TARGET_FACTOR)
        area.target_deliveries = expected(area.population, cbr, rules.DELIVERY_TARGET_FACTOR)
        for ind in rules.INDICATORS:
            base = (
                area.target_deliveries if ind in rules.OVER_DELIVERIES else area.target_pregnancies
            )
            annual = targets.annual_target_pct[ind]
            monthly = [counts[(area.id, ind, ym)] for ym in months]
            cumulative = [sum(monthly[: i + 1]) for i in range(len(monthly))]
            this_month = monthly[-1]
            last_month = counts[(area.id, ind, previous)]
            target_pct = round(annual * month / 12, 1)
            coverage = _pct(cumulative[-1], base)
            month_pct, last_month_pct = _pct(this_month, base), _pct(last_month, base)
            status = None
            if coverage is not None:
                status = rules.pws_status(
                    coverage_pct=coverage,
                    target_pct=target_pct,
                    month_pct=month_pct,
                    last_month_pct=last_month_pct,
                )
            area.indicators[ind] = {
                "count": cumulative[-1],
                "coverage_pct": coverage,
                "target_pct": target_pct,
                "month_count": this_month,
                "month_pct": month_pct,
                "last_month_count": last_month,
                "last_month_pct": last_month_pct,
                "status": status,
                "cumulative_pct_by_month": [_pct(c, base) for c in cumulative],
                "cumulative_count_by_month": cumulative,
                "target_pct_by_month": [round(annual * m / 12, 1) for m in range(1, month + 1)],
            }
    return {
        "year": year,
        "month": month,
        "level": "district" if district is None else "village",
        "district": None if district is None else {"code": district.code, "name": district.name},
        "crude_birth_rate_per_1000": targets.crude_birth_rate_per_1000,
        "annual_target_pct": targets.annual_target_pct,
        "demo_figures": targets.demo,
        **freshness(as_of),
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "population": a.population,
                "target_pregnancies": a.target_pregnancies,
                "target_deliveries": a.target_deliveries,
                "indicators": a.indicators,
            }
            for a in areas
        ],
    }
