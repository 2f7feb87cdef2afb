"""What beat runs (and ``send_due_alerts`` runs once): the scan, then the dispatch."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef

from notifications.escalation import escalate
from notifications.models import Alert, AlertStatus, Delivery, DeliveryStatus
from notifications.owed import record_owed_alerts

logger = logging.getLogger(__name__)


@dataclass
class ScanReport:
    post_term_updated: int
    alerts_owed: int
    escalated: int


def scan(*, today: date, now: datetime) -> ScanReport:
    """Post-term refresh, owed alerts, escalation: each step commits its own work.

    Not one transaction around the three: that would turn each batch's commit into a
    savepoint and hold every row lock until the end, and a failure in the last step
    would undo what the first two had done. Each step is safe to repeat, so the next
    scan simply carries on.
    """
    from pregnancies.services import refresh_post_term

    report = ScanReport(
        # Post-term is a KSPR factor that arrives with time, not with a write.
        post_term_updated=refresh_post_term(today=today),
        alerts_owed=record_owed_alerts(today=today),
        escalated=escalate(now=now),
    )
    logger.info(
        "alert scan for %s: %d owed, %d escalated, %d post-term",
        today,
        report.alerts_owed,
        report.escalated,
        report.post_term_updated,
    )
    return report


def cancel_for_pregnancy(pregnancy_id) -> int:
    """An outcome stops every pending alert of the pregnancy at once (docs/domain.md,
    "Outcomes and maternal death")."""
    Delivery.objects.filter(alert__pregnancy_id=pregnancy_id, status__in=Delivery.OPEN).update(
        status=DeliveryStatus.CANCELLED
    )
    return Alert.objects.filter(pregnancy_id=pregnancy_id, status=AlertStatus.PENDING).update(
        status=AlertStatus.CANCELLED
    )


def replan_for_pregnancy(pregnancy_id) -> int:
    """The EDD moved: alerts no phone received and nobody answered are dropped, to be
    owed anew on the new date.

    What was pushed, acknowledged or escalated stays (it happened); an alert only
    waiting, or only in an inbox, would otherwise carry the old EDD and, being unique
    per (pregnancy, milestone, recipient), block that milestone on the new date.
    """
    pushed = Delivery.objects.filter(
        alert=OuterRef("pk"), status__in=[DeliveryStatus.SENDING, DeliveryStatus.SENT]
    )
    deleted, _ = (
        Alert.objects.filter(
            pregnancy_id=pregnancy_id,
            status__in=[AlertStatus.PENDING, AlertStatus.UNDELIVERED],
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
        )
        .exclude(Exists(pushed))
        .delete()
    )
    return deleted
