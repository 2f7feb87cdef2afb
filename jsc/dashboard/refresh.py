"""Counting the dashboard's slow figures ahead of the requests (docs/dashboard.md,
"Speed").

Beat runs ``dashboard_refresh`` every ``DASHBOARD_REFRESH_SECONDS``: the PWS KIA months
of this year and last year (each with the December before it) are counted per district
and village in one pass, and the overview's counts per district; each replaces the
previous one in one transaction, so a reader sees the old figures or the new ones,
never a mix.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from django.db import connection, transaction

from jsc.dashboard.models import PwsCount, Refresh
from jsc.dashboard.selectors.pws import BY_BOTH, pws_events
from jsc.dashboard.selectors.summary import district_figures


def _claimed(name: str) -> Refresh:
    Refresh.objects.get_or_create(name=name)
    # Two runs at once (a second beat, a retry) wait here instead of both writing.
    return Refresh.objects.select_for_update().get(name=name)


def pws_window(today: date) -> tuple[date, date]:
    """The months counted: last year's PWS needs the December before it."""
    return date(today.year - 2, 12, 1), date(today.year, 12, 31)


@transaction.atomic
def pws_counts_refresh(*, today: date, now: datetime) -> int:
    """Count again; returns the number of count rows written."""
    started = time.monotonic()
    done = _claimed(Refresh.PWS_KIA)
    first, last = pws_window(today)
    rows = [
        PwsCount(
            district_id=area,
            village_id=village,
            indicator=ind,
            month=date(int(ym[:4]), int(ym[5:7]), 1),
            count=n,
        )
        for area, village, ind, ym, n in pws_events(start=first, end=last, by=BY_BOTH)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PwsCount._meta.db_table}")
    PwsCount.objects.bulk_create(rows, batch_size=2000)
    done.computed_at, done.first_month, done.last_month = now, first, last
    done.seconds = time.monotonic() - started
    done.save()
    return len(rows)


@transaction.atomic
def summary_figures_refresh(*, today: date, now: datetime) -> None:
    """The overview's counts per district, for this year and last year."""
    started = time.monotonic()
    done = _claimed(Refresh.SUMMARY)
    done.figures = district_figures(years=[today.year - 1, today.year])
    done.computed_at = now
    done.first_month, done.last_month = date(today.year - 1, 1, 1), date(today.year, 12, 1)
    done.seconds = time.monotonic() - started
    done.save()


def dashboard_refresh(*, today: date, now: datetime) -> None:
    """Everything the dashboard counts ahead, each part in its own transaction."""
    summary_figures_refresh(today=today, now=now)
    pws_counts_refresh(today=today, now=now)
