"""The deaths page under /dashboard/deaths/ (docs/dashboard.md, "Deaths"): the same
selector as GET /api/v1/dashboard/deaths/, drawn for phones and laptops."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deaths import rules as death_rules
from jsc.dashboard import charts, rules
from jsc.dashboard import params as p
from jsc.dashboard.selectors.deaths import dashboard_deaths
from jsc.dashboard.views import dashboard_page

KIND_COLOURS = {"maternal": "#c62828", "late_maternal": "#f0a030", "perinatal": "#7fb3ff"}


def kind_labels() -> dict:
    return {
        "maternal": _("maternal"),
        "late_maternal": _("late maternal"),
        "perinatal": _("perinatal"),
    }


def status_labels() -> dict:
    return {
        "notified": _("notified"),
        "screened": _("screened"),
        "autopsied": _("verbal autopsy done"),
        "reviewed": _("reviewed"),
        "closed": _("closed"),
    }


def delay_labels() -> dict:
    return {k: str(v) for k, v in death_rules.DELAY_LABELS.items()}


@dashboard_page
def deaths(request, today):
    year = p.year_param(request.GET, today)
    data = dashboard_deaths(year=year, today=today, now=timezone.now())
    kinds = kind_labels()
    english = (get_language() or "id").startswith("en")
    month_chart = charts.stacked_weeks(
        [str(row["month"]) for row in data["by_month"]],
        data["by_month"],
        [(k, kinds[k], KIND_COLOURS[k]) for k in ("maternal", "late_maternal", "perinatal")],
        title=_("Deaths by month of %(year)s") % {"year": year},
    )
    cause_chart = charts.hbar_chart(
        [
            charts.Bar(
                label=f"{code[4]} {labels[1 if english else 0]}", value=data["by_cause_group"][code]
            )
            for code, labels in death_rules.CAUSE_GROUPS.items()
        ],
        title=_("Reviewed deaths by cause group (ICD-MM)"),
        unit="",
    )
    missing: dict = {}
    for row in data["missing_zero_reports"]:
        missing.setdefault(row["month"], []).append(row["facility"]["name"])
    delays, statuses = delay_labels(), status_labels()
    for case in data["cases"]:
        case["kind_label"] = kinds[case["kind"]]
        case["status_label"] = statuses[case["status"]]
        found = case["delays"] or {}
        case["delay_names"] = [delays[d] for d in death_rules.DELAYS if found.get(d)]
    return render(
        request,
        "dashboard/deaths.html",
        {
            "d": data,
            "year": year,
            "month_chart": month_chart,
            "cause_chart": cause_chart,
            "delays": [(delays[k], data["by_delay"][k]) for k in death_rules.DELAYS],
            "missing": sorted(missing.items()),
            "min_births": rules.MMR_MIN_LIVE_BIRTHS,
            "nav": "deaths",
        },
    )
