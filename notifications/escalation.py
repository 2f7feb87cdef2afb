"""Alerts nobody acknowledged in time go to the health office, once: very-high-risk
milestones after ESCALATION_HOURS, danger_sign alerts (urgent visits) after
DANGER_SIGN_ESCALATION_HOURS."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from jsc.people.models import Role, User
from notifications.models import Alert, AlertStatus
from pregnancies.models import PregnancyStatus, RiskBand
from pregnancies.rules.urgent import DANGER_SIGN_MILESTONE


def escalate(*, now: datetime, limit: int = 1000) -> int:
    """Copy each overdue alert to every active health officer; returns alerts escalated.

    An alert counts as acknowledged when any recipient of the same (pregnancy,
    milestone) acknowledged it: one doctor of the facility answering is enough.
    The claim (``escalated_at``) and the copies commit together, and the unique
    (pregnancy, milestone, recipient) constraint keeps the copies to one per officer.
    """
    cutoff = now - timedelta(hours=settings.ESCALATION_HOURS)
    danger_cutoff = now - timedelta(hours=settings.DANGER_SIGN_ESCALATION_HOURS)
    # A danger_sign alert is answered per visit; a milestone per pregnancy (visit null).
    answered = Alert.objects.filter(
        Q(visit=OuterRef("visit")) | Q(visit__isnull=True),
        pregnancy=OuterRef("pregnancy"),
        milestone=OuterRef("milestone"),
        acknowledged_at__isnull=False,
    )
    due = Q(
        ~Q(milestone=DANGER_SIGN_MILESTONE),
        risk_band=RiskBand.VERY_HIGH,
        created_at__lte=cutoff,
    ) | Q(milestone=DANGER_SIGN_MILESTONE, created_at__lte=danger_cutoff)
    officers = list(
        User.objects.filter(role=Role.HEALTH_OFFICE, is_active=True).values_list("id", flat=True)
    )
    if not officers:
        # Claiming now would mark the alerts escalated with nobody told, for good; left
        # alone they go to the first officer whose account is (re)activated.
        return 0
    with transaction.atomic():
        overdue = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                due,
                escalated_from__isnull=True,
                escalated_at__isnull=True,
                acknowledged_at__isnull=True,
                pregnancy__status=PregnancyStatus.ACTIVE,
            )
            .exclude(status=AlertStatus.CANCELLED)
            .exclude(Exists(answered))
            .order_by("created_at")[:limit]
        )
        if not overdue:
            return 0
        Alert.objects.filter(id__in=[a.id for a in overdue]).update(escalated_at=now)
        copies = [
            Alert(
                pregnancy_id=alert.pregnancy_id,
                milestone=alert.milestone,
                recipient_id=officer,
                edd=alert.edd,
                risk_band=alert.risk_band,
                urgent=True,
                escalated_from=alert,
                escalated_at=now,
                visit_id=alert.visit_id,
                late=alert.late,
                # A late visit's alert stays out of pushes for the officers too.
                status=AlertStatus.UNDELIVERED if alert.late else AlertStatus.PENDING,
            )
            for alert in overdue
            for officer in officers
        ]
        Alert.objects.bulk_create(copies, ignore_conflicts=True)
    return len(overdue)
