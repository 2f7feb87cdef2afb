"""Monthly zero reporting: each facility notifies its deaths or says "none", every
month (docs/deaths.md, "Zero reporting")."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from deaths.models import DeathCase, ZeroReport
from pregnancies.errors import Conflict, RuleViolation


def zero_report_record(*, month: date, by, now: datetime, today: date) -> tuple[ZeroReport, bool]:
    """The caller's facility had no death in ``month`` (its first day); (report, created).

    A month to come is a 400; a month with a death this facility notified a 409.
    """
    if month > today.replace(day=1):
        raise RuleViolation({"month": [_("A month that has not begun cannot be reported.")]})
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    notified = DeathCase.objects.filter(
        facility_id=by.facility_id, died_on__gte=month, died_on__lt=following
    ).exists()
    if notified:
        raise Conflict(_("This facility notified a death in this month: it is not a zero month."))
    # get_or_create re-reads after losing a race on the unique (facility, month).
    return ZeroReport.objects.get_or_create(
        facility_id=by.facility_id, month=month, defaults={"by": by, "at": now}
    )
