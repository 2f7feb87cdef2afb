"""Reading the dashboard's query parameters: each bad value is a 400 naming it.

Shared by the API and the web pages (which show the same message instead of a crash).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from jsc.dashboard import rules
from jsc.dashboard.services import YEAR_MAX, YEAR_MIN
from jsc.people.models import District, Facility


def _bad(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def _int(params, name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise _bad(name, _("Give a whole number.")) from None


def year_param(params, today: date) -> int:
    year = _int(params, "year")
    if year is None:
        return today.year
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise _bad(
            "year", _("Give a year from %(min)s to %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}
        )
    return year


def month_param(params, *, year: int, today: date, required: bool = False) -> int | None:
    """1-12. When not given (and required): for this year the last complete month (PWS
    KIA is read for the month just closed; January in January), else December."""
    month = _int(params, "month")
    if month is None:
        if not required:
            return None
        if year == today.year:
            return max(today.month - 1, 1)
        return 12
    if not 1 <= month <= 12:
        raise _bad("month", _("Give a month from 1 to 12."))
    return month


def district_param(params) -> District | None:
    raw = (params.get("district") or "").strip()
    if not raw:
        return None
    found = District.objects.filter(Q(code=raw) | Q(name__iexact=raw)).first()
    if found is None:
        raise _bad("district", _("No district of the regency has this code or name."))
    return found


def facility_param(params) -> Facility | None:
    raw = (params.get("facility") or "").strip()
    if not raw:
        return None
    try:
        key = uuid.UUID(raw)
        found = Facility.objects.filter(pk=key).first()
    except ValueError:
        found = Facility.objects.filter(code=raw).first()
    if found is None:
        raise _bad("facility", _("No facility has this id or code."))
    return found


def due_within_param(params) -> int:
    days = _int(params, "due_within_days")
    if days is None:
        return rules.HIGH_RISK_DUE_WITHIN_DAYS_DEFAULT
    if not 0 <= days <= rules.HIGH_RISK_DUE_WITHIN_DAYS_MAX:
        raise _bad(
            "due_within_days",
            _("Give a number of days from 0 to %(max)s.")
            % {"max": rules.HIGH_RISK_DUE_WITHIN_DAYS_MAX},
        )
    return days


def indicator_param(params) -> str:
    raw = params.get("indicator") or rules.INDICATORS[0]
    if raw not in rules.INDICATORS:
        raise _bad("indicator", _("Unknown indicator."))
    return raw
