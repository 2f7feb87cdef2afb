"""Alert rules, the alerts owed to doctors, their devices and every push attempt.

The send loop follows healthchecks: an alert is a row written before anything is sent,
unique per (pregnancy, milestone, recipient); each push is a Delivery row, unique per
(alert, device), claimed with a row lock before the call and settled after it, so two
scans, two beats or a retried task never push twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from pregnancies.models import RiskBand


class AlertRule(models.Model):
    """A milestone relative to the EDD and the risk bands it is for (editable by admins)."""

    milestone = models.SlugField(max_length=32, unique=True)
    offset_days = models.SmallIntegerField(
        help_text="Days relative to the EDD (-56 = 8 weeks before)."
    )
    bands = models.JSONField(help_text='Risk bands it is for, e.g. ["high", "very_high"].')
    urgent = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["offset_days"], name="alert_rule_offset_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} (EDD {self.offset_days:+d} days)"


class AlertStatus(models.TextChoices):
    PENDING = "pending", "Menunggu dikirim"
    SENT = "sent", "Terkirim"
    UNDELIVERED = "undelivered", "Hanya di kotak masuk"
    CANCELLED = "cancelled", "Dibatalkan"


class AckAction(models.TextChoices):
    """What the doctor did about an alert (docs/alerts-urgent.md, "Acknowledging")."""

    CALLED = "called", "Menelepon bidan atau ibu"
    VISITED = "visited", "Mengunjungi ibu"
    REFERRED = "referred", "Merujuk"
    NO_ACTION = "no_action", "Tidak ada tindakan"


# Alerts about a death case (the deaths app) rather than a pregnancy: to every active
# health officer; the first is pushed, the second waits in the inbox (docs/deaths.md).
DEATH_NOTIFIED = "death_notified"
DEATH_STEP_OVERDUE = "death_step_overdue"
DEATH_MILESTONES = (DEATH_NOTIFIED, DEATH_STEP_OVERDUE)


class Alert(models.Model):
    Status = AlertStatus
    Action = AckAction

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No single-column indexes on these three: the unique (pregnancy, milestone,
    # recipient) index serves lookups by pregnancy, alert_inbox those by recipient, and
    # nothing asks by milestone alone. Each index is written for every alert the scan
    # inserts (hundreds of thousands on a first deploy; bench/results.md).
    # A pregnancy's alert, or a death case's (``death``): exactly one of the two. A death
    # alert names no pregnancy even when the woman had one, so cancelling or re-planning
    # a pregnancy's alerts, escalation and "once per (pregnancy, milestone, recipient)"
    # never touch it, and a woman never registered needs none.
    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
    )
    death = models.ForeignKey(
        "deaths.DeathCase",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
    )
    # death_step_overdue: the AMP-SR step whose deadline passed (deaths.models.Step).
    death_step = models.CharField(max_length=16, null=True, blank=True)
    milestone = models.SlugField(max_length=32, db_index=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    # The EDD and band the alert was raised for (the pregnancy may change later); null
    # on a death alert.
    edd = models.DateField(null=True, blank=True)
    risk_band = models.CharField(max_length=10, choices=RiskBand.choices, null=True, blank=True)
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=AlertStatus.choices, default=AlertStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # On a doctor's alert: when it was escalated to the health office. On a health
    # officer's copy: the doctor's alert it escalates.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    # A danger_sign alert: the urgent visit that raised it (milestones have none).
    visit = models.ForeignKey(
        "pregnancies.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    # The visit reached the server more than 72 hours after its date: inbox only.
    late = models.BooleanField(default=False)
    # What the doctor did, given when acknowledging.
    action = models.CharField(max_length=10, choices=AckAction.choices, blank=True, default="")
    note = models.CharField(max_length=500, blank=True, default="")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # "Each (pregnancy, milestone, recipient) is alerted at most once, ever."
            models.UniqueConstraint(
                fields=["pregnancy", "milestone", "recipient"],
                condition=Q(visit__isnull=True),
                name="alert_once_per_recipient",
            ),
            # An urgent visit raises one alert per recipient, however often it is retried.
            models.UniqueConstraint(
                fields=["visit", "recipient"],
                condition=Q(visit__isnull=False),
                name="alert_once_per_visit_recipient",
            ),
            models.CheckConstraint(
                condition=Q(action__in=["", *AckAction.values]), name="alert_action_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values), name="alert_status_known"
            ),
            # About a pregnancy (with its EDD and band) or about a death case, never both.
            models.CheckConstraint(
                condition=Q(
                    pregnancy__isnull=False,
                    death__isnull=True,
                    edd__isnull=False,
                    risk_band__isnull=False,
                )
                | Q(
                    pregnancy__isnull=True,
                    death__isnull=False,
                    edd__isnull=True,
                    risk_band__isnull=True,
                    milestone__in=DEATH_MILESTONES,
                ),
                name="alert_pregnancy_or_death",
            ),
            models.CheckConstraint(
                condition=Q(milestone=DEATH_STEP_OVERDUE, death_step__isnull=False)
                | (~Q(milestone=DEATH_STEP_OVERDUE) & Q(death_step__isnull=True)),
                name="alert_death_step_only_when_overdue",
            ),
            # Each health officer hears of a death once, and of each step overdue once.
            models.UniqueConstraint(
                fields=["death", "milestone", "recipient"],
                condition=Q(death__isnull=False, milestone=DEATH_NOTIFIED),
                name="alert_death_notified_once",
            ),
            models.UniqueConstraint(
                fields=["death", "death_step", "recipient"],
                condition=Q(death__isnull=False, milestone=DEATH_STEP_OVERDUE),
                name="alert_death_step_overdue_once",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="alert_inbox"),
            # Cancelling, re-planning and escalation ask by pregnancy (and milestone); the
            # unique index on those columns is partial (milestones only), so it cannot.
            models.Index(fields=["pregnancy", "milestone"], name="alert_pregnancy_milestone"),
            models.Index(fields=["status"], condition=Q(status="pending"), name="alert_pending"),
            # Escalation asks: unacknowledged, not yet escalated, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
                name="alert_unacked",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert {self.id} ({self.milestone})"

    @property
    def action_or_none(self) -> str | None:
        return self.action or None


TOKEN_MAX_LENGTH = 1024
# What an FCM (or APNs hex) token is made of; anything else is not a token.
TOKEN_PATTERN = r"[A-Za-z0-9_:.\-]+"


class Platform(models.TextChoices):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class Device(models.Model):
    """An FCM registration token; it belongs to the user who registered it last."""

    # FCM registration tokens are about 150-250 characters; 1024 leaves room and keeps the
    # unique index well under PostgreSQL's limit for a B-tree entry (~2.7 KB).
    token = models.CharField(max_length=TOKEN_MAX_LENGTH, unique=True)
    platform = models.CharField(max_length=8, choices=Platform.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(platform__in=Platform.values), name="device_platform_known"
            ),
        ]
        indexes = [models.Index(fields=["user"], condition=Q(active=True), name="device_active")]

    def __str__(self) -> str:
        return f"Device …{self.token[-6:]}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Claimed by a worker"
    RETRY = "retry", "Waiting to retry"
    SENT = "sent", "Accepted by FCM"
    DEAD_TOKEN = "dead_token", "Token no longer registered"
    FAILED = "failed", "Failed for good"
    CANCELLED = "cancelled", "Cancelled"


class Delivery(models.Model):
    """One push of one alert to one device: the unit that is claimed and sent once."""

    Status = DeliveryStatus
    OPEN = (DeliveryStatus.QUEUED, DeliveryStatus.RETRY)

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The alert's, copied when the delivery is planned: urgent pushes are claimed
    # before every routine one that is due (docs/alerts-urgent.md).
    urgent = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["alert", "device"], name="delivery_once_per_device"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"
            ),
        ]
        indexes = [
            # The dispatcher's question: which open deliveries are due now, urgent
            # ones first, then the longest waiting.
            models.Index(
                fields=["-urgent", "next_attempt_at"],
                condition=Q(status__in=["queued", "retry"]),
                name="delivery_due_urgent_first",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="delivery_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.id} ({self.status})"


class DeliveryAttempt(models.Model):
    """Every call to the push back end, with its outcome (no message content)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts_log")
    at = models.DateTimeField(auto_now_add=True)
    backend = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20)  # a notifications.push.PushOutcome
    error_code = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    retry_after_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.backend} {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"


class PushHealth(models.Model):
    """The last word on the push back end's credentials, shown by /healthz.

    One row per back end; written by whichever worker last talked to it, so the web
    processes (which never push) can report it.
    """

    backend = models.CharField(max_length=20, primary_key=True)
    ok = models.BooleanField(default=True)
    detail = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.backend}: {'ok' if self.ok else self.detail}"


class DispatchWakeup(models.Model):
    """The one dispatch wake-up waiting in the broker, if ``due_at`` is in the future
    (notifications/wakeup.py): a single row, id 1."""

    due_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Dispatch wake-up at {self.due_at}"
