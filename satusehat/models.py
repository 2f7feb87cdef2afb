"""The SATUSEHAT outbox: one row per FHIR resource the service owes the platform.

A row is written in the same transaction as the record it comes from (a registration,
a visit, an outcome, or a correction of one); a worker sends it later, in dependency
order, and keeps what came of it. The resource itself is built when it is sent, from
the record as it is then, so a correction only has to say "send this again"
(docs/satusehat.md, "The outbox").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ResourceType(models.TextChoices):
    PATIENT = "Patient"
    EPISODE_OF_CARE = "EpisodeOfCare"
    ENCOUNTER = "Encounter"
    OBSERVATION = "Observation"
    CONDITION = "Condition"


# Dependency order: a lower rank is sent first (the patient before the episode, the
# episode before its encounters, an encounter before its observations and conditions).
RANK = {
    ResourceType.PATIENT: 0,
    ResourceType.EPISODE_OF_CARE: 1,
    ResourceType.ENCOUNTER: 2,
    ResourceType.OBSERVATION: 3,
    ResourceType.CONDITION: 3,
}


class RowState(models.TextChoices):
    # To be sent as soon as it is due (next_attempt_at); a retry after a 5xx is pending.
    PENDING = "pending"
    # The platform has it as the record now is.
    SENT = "sent"
    # The platform refused it (a 4xx): sent again only when its record is corrected.
    FAILED = "failed"
    # Something outside the row must happen first: ``waiting_for`` says what.
    WAITING = "waiting"


class WaitingFor(models.TextChoices):
    NOTHING = ""
    # The row it points to (its episode, its encounter) is not at the platform yet.
    PARENT = "parent"
    # The national patient index does not know the mother's NIK; asked again daily.
    PATIENT_UNKNOWN = "patient_unknown"
    # The facility has no SATUSEHAT organization or location id.
    FACILITY_IDS = "facility_ids"
    # The midwife or doctor who recorded the visit has no SATUSEHAT practitioner id.
    PRACTITIONER_ID = "practitioner_id"
    # The platform refused our credentials: everything waits until they work again.
    CREDENTIALS = "credentials"
    # The platform asked us to slow down (429).
    RATE_LIMITED = "rate_limited"


class OutboxRow(models.Model):
    """One resource owed to SATUSEHAT, keyed by what it comes from (``key``).

    ``version`` moves each time the record is corrected; the worker that sends it
    settles ``sent`` only if no correction came in meanwhile, so a correction racing a
    send is never lost. ``claimed_until`` is the lease of the worker sending it now.
    """

    id = models.BigAutoField(primary_key=True)
    # "encounter:<visit id>", "observation:<visit id>:systolic", ...: one row per resource.
    key = models.CharField(max_length=100, unique=True)
    resource_type = models.CharField(max_length=20, choices=ResourceType.choices)
    rank = models.PositiveSmallIntegerField()
    # What the resource is about, for the people who read the status (ids only).
    pregnancy_id = models.UUIDField(db_index=True)
    visit_id = models.UUIDField(null=True, blank=True)
    # Which observation or condition: "systolic", "anaemia", "gravida"; blank otherwise.
    item = models.CharField(max_length=40, blank=True)
    # The facility whose SATUSEHAT organization sends it: the pregnancy's for its
    # patient and episode, the visit's (its recorder's) for an encounter and its findings.
    facility = models.ForeignKey("people.Facility", on_delete=models.PROTECT, related_name="+")
    depends_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="dependents"
    )
    state = models.CharField(max_length=10, choices=RowState.choices, default=RowState.PENDING)
    waiting_for = models.CharField(
        max_length=20, choices=WaitingFor.choices, blank=True, default=WaitingFor.NOTHING
    )
    next_attempt_at = models.DateTimeField()
    # Since when the platform is owed this content: made, or corrected after a send.
    owed_since = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    satusehat_id = models.CharField(max_length=64, blank=True)
    # sha256 of the resource as last sent: a correction that changes nothing in it
    # makes no call.
    sent_digest = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # For a person to read: the platform's words, never a NIK (client/errors.py).
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The day the calendar alone changes the resource (an episode a mother lost to
    # follow-up ends on): sent again then.
    resend_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RowState.values), name="outbox_state_known"
            ),
            models.CheckConstraint(
                condition=Q(waiting_for__in=WaitingFor.values), name="outbox_waiting_for_known"
            ),
            models.CheckConstraint(
                condition=Q(resource_type__in=ResourceType.values), name="outbox_type_known"
            ),
            # A waiting row says what for; no other row claims to wait.
            models.CheckConstraint(
                condition=Q(state=RowState.WAITING, waiting_for__gt="")
                | (~Q(state=RowState.WAITING) & Q(waiting_for="")),
                name="outbox_waiting_says_why",
            ),
            models.CheckConstraint(
                condition=~Q(state=RowState.SENT) | Q(satusehat_id__gt=""),
                name="outbox_sent_has_id",
            ),
        ]
        indexes = [
            # The claim: what is due, in dependency order (services/send.py).
            models.Index(
                fields=["rank", "next_attempt_at"],
                condition=Q(state__in=["pending", "waiting"])
                & ~Q(waiting_for__in=["parent", "credentials"]),
                name="outbox_due",
            ),
            # The status page: rows by facility and state.
            models.Index(fields=["facility", "state"], name="outbox_facility_state"),
            models.Index(
                fields=["resend_on"], condition=Q(resend_on__isnull=False), name="outbox_resend_on"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} row {self.id}"

    @property
    def local(self) -> str:
        """The value of the facility's identifier on the resource (the pregnancy's or
        the visit's id, with the item): what to search SATUSEHAT for."""
        _kind, source, *item = self.key.split(":")
        return "-".join([source, *item])


class PauseReason(models.TextChoices):
    CREDENTIALS = "credentials"
    RATE_LIMITED = "rate_limited"


class SendPause(models.Model):
    """While the platform refuses our credentials or asks us to slow down, nothing is
    sent until ``until``. One row (pk 1); ``told_at`` makes the admin hear of a
    credentials pause once, not once per try."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    since = models.DateTimeField()
    until = models.DateTimeField()
    detail = models.TextField(blank=True)
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="send_pause_single_row"),
            models.CheckConstraint(
                condition=Q(reason__in=PauseReason.values), name="send_pause_reason_known"
            ),
        ]

    def __str__(self) -> str:
        return f"SATUSEHAT pause ({self.reason}) until {self.until:%Y-%m-%d %H:%M}"
