"""Alerts about a death case, to the health office (docs/deaths.md, "Who is told").

``death_notified`` goes to every active health officer at once: urgent, pushed by the
dispatch queued when the notification commits (within seconds, the urgent lane first),
and in the inbox whatever happens to the push. ``death_step_overdue`` waits in the inbox.
Unique constraints keep each to one per (case, officer), and per step for the second.
"""

from __future__ import annotations

from jsc.people.models import Role, User
from notifications.models import DEATH_NOTIFIED, DEATH_STEP_OVERDUE, Alert, AlertStatus
from notifications.tasks import queue_dispatch


def health_officer_ids() -> list:
    return list(
        User.objects.filter(role=Role.HEALTH_OFFICE, is_active=True).values_list("id", flat=True)
    )


def death_notified_raise(*, death_id, officers: list | None = None) -> int:
    """The health office hears of a death; pushed once the caller's transaction commits."""
    officers = health_officer_ids() if officers is None else officers
    Alert.objects.bulk_create(
        [
            Alert(
                death_id=death_id,
                milestone=DEATH_NOTIFIED,
                recipient_id=officer,
                urgent=True,
                status=AlertStatus.PENDING,
            )
            for officer in officers
        ],
        ignore_conflicts=True,
    )
    if officers:
        queue_dispatch()
    return len(officers)


def death_step_overdue_raise(*, steps: list[tuple], officers: list) -> int:
    """One inbox alert per (case, step) in ``steps`` and officer; no push."""
    Alert.objects.bulk_create(
        [
            Alert(
                death_id=death_id,
                milestone=DEATH_STEP_OVERDUE,
                death_step=step,
                recipient_id=officer,
                status=AlertStatus.UNDELIVERED,
            )
            for death_id, step in steps
            for officer in officers
        ],
        ignore_conflicts=True,
    )
    return len(steps) * len(officers)
