"""The alerts side's operations: the scan (what beat runs), cancelling and re-planning on
the registry's hooks, and acknowledging an alert with what the doctor did."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from notifications.escalation import escalate
from notifications.models import AckAction, Alert, AlertStatus, Delivery, DeliveryStatus
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


def replan_for_pregnancies(pregnancy_ids) -> int:
    """Their EDDs moved: alerts no phone received and nobody answered are dropped, to be
    owed anew on the new date. Set-based, whatever the number of pregnancies (a
    correction moves one EDD; pregnancies/migrations/0009_edd_by_naegele_calendar.py
    moves many, a batch at a time).

    What was pushed, acknowledged or escalated stays (it happened); an alert only
    waiting, or only in an inbox, would otherwise carry the old EDD and, being unique
    per (pregnancy, milestone, recipient), block that milestone on the new date.
    """
    pushed = Delivery.objects.filter(
        alert=OuterRef("pk"), status__in=[DeliveryStatus.SENDING, DeliveryStatus.SENT]
    )
    deleted, _ = (
        Alert.objects.filter(
            pregnancy_id__in=pregnancy_ids,
            # A danger_sign alert is about a visit, not a date: it stays.
            visit__isnull=True,
            status__in=[AlertStatus.PENDING, AlertStatus.UNDELIVERED],
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
        )
        .exclude(Exists(pushed))
        .delete()
    )
    return deleted


def alert_acknowledge(
    *,
    alert: Alert,
    by,
    action: str | None = None,
    note: str = "",
    referral: dict | None = None,
    now: datetime,
    today: date,
) -> Alert:
    """Record what the doctor did about an alert; acknowledging again changes nothing.

    ``referred`` needs ``referral`` ({"to_facility", "kind"}), which is recorded on the
    pregnancy in the same transaction (pregnancies.services.referral_record): the
    receiving facility cares for the pregnancy from this commit on. Bad input raises
    RuleViolation (400) and changes neither the alert nor the pregnancy.
    """
    from pregnancies.errors import RuleViolation
    from pregnancies.services import referral_record

    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("pregnancy").get(pk=alert.pk)
        if alert.acknowledged_at is not None:
            return alert
        if action == AckAction.REFERRED and not referral:
            raise RuleViolation({"referral": [_("A referral is required with action 'referred'.")]})
        if referral and action != AckAction.REFERRED:
            raise RuleViolation(
                {"referral": [_("A referral is given only with action 'referred'.")]}
            )
        if referral:
            referral_record(
                pregnancy=alert.pregnancy,
                by=by,
                to_facility_id=referral["to_facility"],
                kind=referral["kind"],
                today=today,
                alert=alert,
            )
        alert.acknowledged_at = now
        alert.acknowledged_by = by
        alert.action = action or ""
        alert.note = note or ""
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action", "note"])
    logger.info("alert %s acknowledged by user %s (%s)", alert.pk, by.pk, alert.action or "-")
    return alert
