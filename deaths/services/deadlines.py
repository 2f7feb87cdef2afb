"""Steps past their deadline: the health office is told once (docs/deaths.md,
"Deadlines").

The deadline is a row with an indexed due time; this one periodic scan asks which are
past due, unmet and not yet told, claims them with ``SELECT ... FOR UPDATE SKIP LOCKED``
and marks them in the same transaction as the alerts it writes, so two beats or a
retried task never alert twice (and the alerts' unique constraint would refuse it).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from deaths.models import CaseStatus, DeathDeadline
from notifications.deaths import death_step_overdue_raise, health_officer_ids

logger = logging.getLogger(__name__)


def death_steps_overdue(*, now: datetime, limit: int = 500) -> int:
    """Alert each overdue step once; returns the steps alerted."""
    officers = health_officer_ids()
    if not officers:
        # Claiming now would mark the steps told with nobody told, for good; left alone
        # they go to the first officer whose account is (re)activated.
        return 0
    with transaction.atomic():
        due = list(
            DeathDeadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(met_at__isnull=True, overdue_alerted_at__isnull=True, due_at__lt=now)
            .exclude(case__status=CaseStatus.CLOSED)
            .order_by("due_at")
            .values_list("id", "case_id", "step")[:limit]
        )
        if not due:
            return 0
        DeathDeadline.objects.filter(id__in=[d[0] for d in due]).update(overdue_alerted_at=now)
        death_step_overdue_raise(steps=[(case, step) for _id, case, step in due], officers=officers)
    logger.info("death steps overdue: %d alerted", len(due))
    return len(due)
