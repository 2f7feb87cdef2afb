"""Reading the precomputed PWS KIA counts and overview figures (docs/dashboard.md,
"Speed").

Counting K1 to K6 means reading every visit of the year, and the overview's districts
every pregnancy with its mother's village; at a million pregnancies that takes longer
than a page may, so a periodic task counts them ahead (``jsc.dashboard.refresh``) and
the answer says how old its figures are.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Sum

from jsc.dashboard.models import PwsCount, Refresh


def precomputed_events(
    *, start: date, end: date, district_id: int | None
) -> tuple[list[tuple] | None, datetime | None]:
    """The events of ``pws_events`` from the last refresh, and when it was made; (None,
    None) when no refresh covers the months asked for (the caller counts them now)."""
    done = Refresh.objects.filter(name=Refresh.PWS_KIA, computed_at__isnull=False).first()
    if done is None or not (done.first_month <= start and end <= done.last_month):
        return None, None
    counts = PwsCount.objects.filter(month__range=(start, end))
    if district_id is None:
        rows = (
            counts.values("district_id", "indicator", "month")
            .annotate(n=Sum("count"))
            .values_list("district_id", "indicator", "month", "n")
        )
    else:
        rows = counts.filter(district_id=district_id, village__isnull=False).values_list(
            "village_id", "indicator", "month", "count"
        )
    return [(area, None, ind, f"{m:%Y-%m}", n) for area, ind, m, n in rows], done.computed_at


def precomputed_figures(year: int) -> tuple[dict | None, datetime | None]:
    """The overview's counts per district from the last refresh, when it counted
    ``year``; (None, None) otherwise."""
    done = Refresh.objects.filter(name=Refresh.SUMMARY, computed_at__isnull=False).first()
    if done is None or str(year) not in (done.figures or {}).get("years", {}):
        return None, None
    return done.figures, done.computed_at


def freshness(as_of: datetime | None) -> dict:
    """``as_of``: when the figures were counted (null: just now, for this answer);
    ``refreshed_every_seconds``: how often the counts are made again."""
    return {
        "as_of": as_of,
        "refreshed_every_seconds": settings.DASHBOARD_REFRESH_SECONDS,
    }
