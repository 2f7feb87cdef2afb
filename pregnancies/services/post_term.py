"""Post-term is the one KSPR factor that arrives with time rather than with a write.

A pregnancy reaches 42 weeks (294 days) on a calendar day, not when somebody edits it,
so its stored factors, score and band are brought up to date by this periodic refresh
(the alert scan runs it first, every ALERT_SCAN_INTERVAL_SECONDS), never on read: a
GET stays a pure read, and lists, filters and the alert scan all see the same stored
band. Between a pregnancy crossing 42 weeks at midnight and the next scan, the stored
band lags by at most one scan interval.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from pregnancies.models import Pregnancy, PregnancyStatus, RiskChange, RiskSource
from pregnancies.rules.dates import POST_TERM_DAYS
from pregnancies.selectors import gestation_reached
from pregnancies.services.common import apply_assessment, assess_pregnancy
from pregnancies.services.risk import risk_changes_between

BATCH_SIZE = 500


def refresh_post_term(*, today: date, batch_size: int = BATCH_SIZE) -> int:
    """Add post_term (and rescore) on active pregnancies that reached 42 weeks; how many.

    Set-based: one indexed query finds only the pregnancies past the threshold whose
    factors lack post_term (the ones crossing since the last run, a few a day in a
    regency), locked a batch at a time, rescored with the KSPR rules and written back
    with one UPDATE per batch. Rows locked by a concurrent edit are skipped; that edit
    rescores them itself, with today's date. Safe to run concurrently and repeatedly.
    """
    crossing = (
        Pregnancy.objects.filter(
            gestation_reached(POST_TERM_DAYS, on=today), status=PregnancyStatus.ACTIVE
        )
        # JSON text search works on PostgreSQL and SQLite alike (JSON "contains" does
        # not exist on SQLite); the quotes make it match the whole code only.
        .exclude(risk_factors__icontains='"post_term"')
        .select_related("mother")
        .order_by("edd", "id")
    )
    updated = 0
    while True:
        with transaction.atomic():
            batch = list(crossing.select_for_update(skip_locked=True, of=("self",))[:batch_size])
            now = timezone.now()
            history = []
            for pregnancy in batch:
                before = list(pregnancy.risk_factors)
                assessment = assess_pregnancy(
                    pregnancy, date_of_birth=pregnancy.mother.date_of_birth, today=today
                )
                apply_assessment(pregnancy, assessment)
                pregnancy.updated_at = now  # bulk_update skips auto_now; sync must see it
                history += risk_changes_between(
                    pregnancy=pregnancy, before=before, source=RiskSource.SCAN, at=now
                )
            Pregnancy.objects.bulk_update(
                batch, ["risk_factors", "kspr_score", "risk_band", "updated_at"]
            )
            RiskChange.objects.bulk_create(history)
        updated += len(batch)
        if len(batch) < batch_size:
            return updated
