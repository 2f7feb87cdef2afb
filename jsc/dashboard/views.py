"""The health office's web pages under /dashboard/ (docs/dashboard.md).

Session login; the health office and admins see the pages, anyone else signed in gets
a page that says so (403) and no data. A bad filter shows a message, never a crash.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from jsc.dashboard import charts, rules
from jsc.dashboard import params as p
from jsc.dashboard.csv_export import high_risk_csv
from jsc.dashboard.permissions import can_see_dashboard, sees_mothers
from jsc.dashboard.selectors.alerts import alert_response
from jsc.dashboard.selectors.high_risk import expected_deliveries, high_risk_due
from jsc.dashboard.selectors.pws import pws_kia, targets_for
from jsc.dashboard.selectors.summary import dashboard_summary, deaths_by_year
from jsc.dashboard.selectors.unmatched import unmatched_villages
from jsc.dashboard.services import targets_answer, targets_save
from jsc.dashboard.services_places import mother_villages_match
from jsc.people.models import District, Facility, Village
from pregnancies.audit import audit_list

BAND_COLOURS = {"low": "#7fb3ff", "high": "#f0a030", "very_high": "#c62828"}


def _errors(exc: ValidationError) -> list[str]:
    detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
    out = []
    for field, problems in detail.items():
        if isinstance(problems, dict):
            problems = [f"{k}: {' '.join(map(str, v))}" for k, v in problems.items()]
        out.append(f"{field}: {' '.join(map(str, problems))}")
    return out


def dashboard_page(view):
    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_see_dashboard(request.user):
            return render(request, "dashboard/forbidden.html", status=403)
        today = timezone.localdate()
        try:
            return view(request, today, *args, **kwargs)
        except ValidationError as exc:
            return render(
                request,
                "dashboard/bad_input.html",
                {"errors": _errors(exc), "page": view.__name__},
                status=400,
            )

    return wrapped


def _band_labels():
    return {"low": _("low"), "high": _("high"), "very_high": _("very high")}


@dashboard_page
def overview(request, today):
    year = p.year_param(request.GET, today)
    summary = dashboard_summary(year=year, today=today)
    years = deaths_by_year(year)
    this, last = years[-1], years[-2]
    # A ratio is drawn only where the year's live births carry one (docs/dashboard.md).
    shown = [
        {
            **y,
            "mmr_per_100k_live_births": y["mmr_per_100k_live_births"]
            if y["mmr_reliable"]
            else None,
        }
        for y in years
    ]
    chart = charts.year_bars(shown, title=_("Maternal deaths and MMR by year"))
    return render(
        request,
        "dashboard/overview.html",
        {
            "s": summary,
            "refresh_minutes": summary["refreshed_every_seconds"] // 60,
            "year": year,
            "this": this,
            "last": last,
            "chart": chart,
            "min_births": rules.MMR_MIN_LIVE_BIRTHS,
            "nav": "overview",
        },
    )


@dashboard_page
def pws(request, today):
    q = request.GET
    year = p.year_param(q, today)
    month = p.month_param(q, year=year, today=today, required=True)
    district = p.district_param(q)
    indicator = p.indicator_param(q)
    data = pws_kia(year=year, month=month, district=district)
    areas = data["areas"]
    no_population = _("no population entered")
    bars = []
    for area in areas:
        got = area["indicators"][indicator]
        status = got["status"]
        bars.append(
            charts.Bar(
                label=area["name"],
                value=got["coverage_pct"],
                colour=rules.STATUS_COLOURS.get(status, charts.BAR),
                note=no_population if got["coverage_pct"] is None else status or "",
            )
        )
    target_pct = round(data["annual_target_pct"][indicator] * month / 12, 1)
    label = rules.INDICATOR_LABELS[indicator]
    bar_chart = charts.hbar_chart(
        bars,
        title=_("%(indicator)s coverage by area, January to month %(month)s")
        % {"indicator": label, "month": month},
        target=target_pct,
        target_label=_("target"),
    )
    # The area of the monthly chart: the one asked for, else the first with a population.
    with_population = [a for a in areas if a["target_pregnancies"] is not None]
    fallback = (with_population or areas or [None])[0]
    chosen = next((a for a in areas if q.get("area") and a["code"] == q["area"]), fallback)
    area_chart = None
    if chosen is not None:
        got = chosen["indicators"][indicator]
        months = [str(m) for m in range(1, month + 1)]
        area_chart = charts.line_chart(
            months,
            [
                (_("cumulative coverage"), got["cumulative_pct_by_month"], charts.BAR),
                (_("cumulative target"), got["target_pct_by_month"], charts.TARGET),
            ],
            title=_("%(area)s: %(indicator)s month by month")
            % {"area": chosen["name"], "indicator": label},
        )
    rows = [
        {
            "code": a["code"],
            "name": a["name"],
            "population": a["population"],
            "target": a["target_deliveries"]
            if indicator in rules.OVER_DELIVERIES
            else a["target_pregnancies"],
            **a["indicators"][indicator],
            "status_label": rules.STATUS_LABELS.get(a["indicators"][indicator]["status"], ""),
            "colour": rules.STATUS_COLOURS.get(a["indicators"][indicator]["status"], "#ccc"),
        }
        for a in areas
    ]
    return render(
        request,
        "dashboard/pws.html",
        {
            "data": data,
            "refresh_minutes": data["refreshed_every_seconds"] // 60,
            "rows": rows,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "district": district,
            "districts": District.objects.order_by("name"),
            "indicator": indicator,
            "indicators": [(k, rules.INDICATOR_LABELS[k]) for k in rules.INDICATORS],
            "indicator_label": label,
            "target_pct": target_pct,
            "bar_chart": bar_chart,
            "area_chart": area_chart,
            "chosen": chosen,
            "statuses": [
                (rules.STATUS_LABELS[s], rules.STATUS_COLOURS[s]) for s in rules.STATUS_LABELS
            ],
            "nav": "pws",
        },
    )


def _high_risk_rows(request, today):
    q = request.GET
    weeks = p._int(q, "weeks")
    if weeks is not None and not 0 <= weeks * 7 <= rules.HIGH_RISK_DUE_WITHIN_DAYS_MAX:
        raise ValidationError({"weeks": [_("Give a number of weeks from 0 to 44.")]})
    days = 14 if weeks is None else weeks * 7
    district, facility = p.district_param(q), p.facility_param(q)
    band = q.get("band") or ""
    if band not in ("", "high", "very_high"):
        raise ValidationError({"band": [_("Choose high or very high.")]})
    rows = high_risk_due(
        today=today,
        due_within_days=days,
        district=district,
        facility=facility,
        mothers_shown=sees_mothers(request.user),
    )
    rows = [r for r in rows if not band or r["risk_band"] == band]
    # One audit row per pregnancy listed, in one INSERT (names and phones, for the
    # health office).
    audit_list(user=request.user, pregnancy_ids=[r["pregnancy"] for r in rows])
    return rows, weeks if weeks is not None else 2, district, facility, band


@dashboard_page
def high_risk(request, today):
    rows, weeks, district, facility, band = _high_risk_rows(request, today)
    bands = _band_labels()
    for row in rows:
        row["band_label"] = bands[row["risk_band"]]
        row["colour"] = BAND_COLOURS[row["risk_band"]]
    return render(
        request,
        "dashboard/high_risk.html",
        {
            "rows": rows,
            "weeks": weeks,
            "district": district,
            "facility": facility,
            "band": band,
            "bands": [("high", _("high")), ("very_high", _("very high"))],
            "districts": District.objects.order_by("name"),
            "facilities": Facility.objects.order_by("name"),
            "query": request.GET.urlencode(),
            "mothers_shown": sees_mothers(request.user),
            "nav": "high-risk",
        },
    )


@dashboard_page
def high_risk_download(request, today):
    rows, *_rest = _high_risk_rows(request, today)
    response = HttpResponse(high_risk_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="high-risk-{today}.csv"'
    return response


@dashboard_page
def deliveries(request, today):
    data = expected_deliveries(today=today)
    bands = _band_labels()
    week_labels = [f"{w['start']:%d/%m}" for w in data["weeks"]]
    stacks = [{b: 0 for b in BAND_COLOURS} for _w in data["weeks"]]
    for entry in data["by_facility"]:
        for i, week in enumerate(entry["weeks"]):
            for band in BAND_COLOURS:
                stacks[i][band] += week[band]
    chart = charts.stacked_weeks(
        week_labels,
        stacks,
        [(b, bands[b], BAND_COLOURS[b]) for b in ("very_high", "high", "low")],
        title=_("Expected deliveries per week"),
    )
    return render(
        request,
        "dashboard/deliveries.html",
        {"data": data, "chart": chart, "week_labels": week_labels, "nav": "deliveries"},
    )


@dashboard_page
def alerts(request, today):
    year = p.year_param(request.GET, today)
    month = p.month_param(request.GET, year=year, today=today)
    data = alert_response(year=year, month=month)
    bars = [
        charts.Bar(
            # "PKM" is how the health office writes Puskesmas in its own tables.
            label=(row["facility"]["name"] or "-").replace("Puskesmas ", "PKM "),
            value=row["median_hours_to_acknowledge"],
            note="" if row["median_hours_to_acknowledge"] is not None else _("none answered"),
        )
        for row in data["by_facility"]
    ]
    chart = (
        charts.hbar_chart(bars, title=_("Median hours to acknowledge"), unit=" h") if bars else None
    )
    return render(
        request,
        "dashboard/alerts.html",
        {
            "data": data,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "chart": chart,
            "nav": "alerts",
        },
    )


@dashboard_page
def targets(request, today):
    year = p.year_param(request.GET if request.method == "GET" else request.POST, today)
    errors: list[str] = []
    if request.method == "POST" and "match-text" in request.POST:
        try:
            n = mother_villages_match(
                text=request.POST["match-text"], village=request.POST.get("match-village", "")
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Matched %(n)s records.") % {"n": n})
            return redirect(f"{request.path}?year={year}#unmatched")
    elif request.method == "POST":
        form = request.POST
        data: dict = {
            "population": {
                key[4:]: value.strip()
                for key, value in form.items()
                if key.startswith("pop-") and value.strip() != ""
            },
            "annual_target_pct": {
                key[4:]: value.strip()
                for key, value in form.items()
                if key.startswith("pct-") and value.strip() != ""
            },
        }
        if form.get("cbr", "").strip():
            data["crude_birth_rate_per_1000"] = form["cbr"].strip()
        try:
            targets_save(year=year, data=data, by=request.user)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved the figures for %(year)s.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
    saved = targets_answer(year)
    villages = Village.objects.select_related("district").order_by("district__name", "code")
    groups: dict = {}
    for village in villages:
        groups.setdefault(village.district.name, []).append(
            {
                "code": village.code,
                "name": village.name,
                "population": saved["population"].get(village.code),
            }
        )
    return render(
        request,
        "dashboard/targets.html",
        {
            "year": year,
            "saved": saved,
            "targets": targets_for(year),
            "groups": groups,
            "indicators": [
                (k, rules.INDICATOR_LABELS[k], saved["annual_target_pct"][k])
                for k in rules.INDICATORS
            ],
            "errors": errors,
            "unmatched": unmatched_villages(),
            "factors": (rules.PREGNANCY_TARGET_FACTOR, rules.DELIVERY_TARGET_FACTOR),
            "nav": "targets",
        },
        status=400 if errors else 200,
    )
