"""Death cases and their AMP-SR steps (docs/deaths.md).

One death is one case: a partial unique index per (person, day of death) for the
mother's death and another for a baby's, so a retry, an outcome and the deaths endpoint
for the same woman and day can never make two. Each step's deadline is a row with an
indexed due time (``DeathDeadline``); one periodic task asks which have passed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from deaths import rules


class DeathKind(models.TextChoices):
    MATERNAL = rules.MATERNAL, "Kematian ibu"
    LATE_MATERNAL = rules.LATE_MATERNAL, "Kematian ibu lanjut (>42 hari)"
    PERINATAL = rules.PERINATAL, "Kematian perinatal"


class CaseStatus(models.TextChoices):
    NOTIFIED = "notified", "Dilaporkan"
    SCREENED = "screened", "Diskrining"
    AUTOPSIED = "autopsied", "Otopsi verbal selesai"
    REVIEWED = "reviewed", "Dikaji"
    CLOSED = "closed", "Ditutup"


class DeathPlace(models.TextChoices):
    HOSPITAL = "hospital", "Rumah sakit"
    PUSKESMAS = "puskesmas", "Puskesmas"
    HOME = "home", "Rumah"
    IN_TRANSIT = "in_transit", "Dalam perjalanan"
    OTHER = "other", "Lainnya"


CauseGroup = models.TextChoices(
    "CauseGroup", [(code, code) for code in rules.CAUSE_GROUPS], module=__name__
)


class Source(models.TextChoices):
    API = "api", "Laporan kematian"
    OUTCOME = "outcome", "Persalinan/hasil kehamilan"
    MIGRATION = "migration", "Data lama (mother_died)"


class DeathCase(models.Model):
    Kind = DeathKind
    Status = CaseStatus

    # Made on the phone when given: a retry is idempotent.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # "AMP-2026-0007": what the panel calls the case (no name, no NIK).
    case_number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=DeathKind.choices)
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.NOTIFIED
    )
    # The woman (the mother, for a baby's death), by NIK; her registered pregnancy when
    # there is one. A woman never registered has a person and no pregnancy.
    person = models.ForeignKey("pregnancies.Person", on_delete=models.PROTECT, related_name="+")
    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="death_cases",
    )
    # What the notifier told of her (a woman never registered); blank with a pregnancy.
    full_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    village = models.CharField(max_length=100, blank=True)
    village_place = models.ForeignKey(
        "people.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where she lived (her village's district), else the notifying facility's: the
    # dashboard counts a death there.
    district = models.ForeignKey(
        "people.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    died_at = models.DateTimeField()
    # Jember's date of the death: the key of "the same woman and death date".
    died_on = models.DateField()
    # False when only the date is known (an outcome's death date): died_at is then the
    # start of that day and the notification limit counts from its end.
    died_time_known = models.BooleanField(default=True)
    place = models.CharField(max_length=12, choices=DeathPlace.choices, blank=True)
    place_facility = models.ForeignKey(
        "people.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gestational_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    days_after_end = models.PositiveSmallIntegerField(null=True, blank=True)
    suspected_cause_group = models.CharField(max_length=12, choices=CauseGroup.choices, blank=True)
    baby_born_at = models.DateTimeField(null=True, blank=True)
    baby_weight_g = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    # Who told the service, from where, when, and whether within the limit.
    facility = models.ForeignKey("people.Facility", on_delete=models.PROTECT, related_name="+")
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField()
    notification_due = models.DateTimeField()
    notified_late = models.BooleanField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    # Screening found the death was not a maternal one: closed, counted nowhere.
    not_maternal = models.BooleanField(default=False)
    # Digest of the create request: a retry with the same id and other content is a 409.
    create_digest = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-died_at", "-id"]
        constraints = [
            # One death is one case (docs/deaths.md, "One death, one case").
            models.UniqueConstraint(
                fields=["person", "died_on"],
                condition=Q(kind__in=[rules.MATERNAL, rules.LATE_MATERNAL]),
                name="death_one_maternal_case_per_day",
            ),
            models.UniqueConstraint(
                fields=["person", "died_on"],
                condition=Q(kind=rules.PERINATAL),
                name="death_one_perinatal_case_per_day",
            ),
            models.CheckConstraint(condition=Q(kind__in=DeathKind.values), name="death_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="death_status_known"
            ),
            models.CheckConstraint(
                condition=Q(place__in=["", *DeathPlace.values]), name="death_place_known"
            ),
            models.CheckConstraint(
                condition=Q(suspected_cause_group__in=["", *CauseGroup.values]),
                name="death_suspected_cause_known",
            ),
            # A baby's death carries its birth; a mother's does not.
            models.CheckConstraint(
                condition=Q(kind=rules.PERINATAL, baby_born_at__isnull=False)
                | (~Q(kind=rules.PERINATAL) & Q(baby_born_at__isnull=True)),
                name="death_baby_only_perinatal",
            ),
            models.CheckConstraint(
                condition=~Q(not_maternal=True) | Q(status=CaseStatus.CLOSED),
                name="death_not_maternal_is_closed",
            ),
        ]
        indexes = [
            # The dashboard and the lists read cases by the day of death.
            models.Index(fields=["died_on"], name="death_died_on"),
            # A facility's own cases (clinicians' list, zero reporting).
            models.Index(fields=["facility", "died_on"], name="death_facility_died_on"),
        ]

    def __str__(self) -> str:
        return f"Death case {self.case_number}"

    @property
    def is_maternal_kind(self) -> bool:
        return self.kind in rules.MATERNAL_KINDS


class CaseCounter(models.Model):
    """The last case number given in a year; its row lock orders concurrent cases."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Screening(models.Model):
    """MAMA-IN: was this a maternal death?"""

    case = models.OneToOneField(DeathCase, on_delete=models.CASCADE, related_name="screening")
    is_maternal = models.BooleanField()
    answers = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Screening of {self.case_id}"


class InformantRelation(models.TextChoices):
    SPOUSE = "spouse", "Suami/istri"
    PARENT = "parent", "Orang tua"
    SIBLING = "sibling", "Saudara kandung"
    OTHER_FAMILY = "other_family", "Keluarga lain"
    NEIGHBOUR = "neighbour", "Tetangga"
    HEALTH_WORKER = "health_worker", "Tenaga kesehatan"
    OTHER = "other", "Lainnya"


class VerbalAutopsy(models.Model):
    """OVM/OVP: the interview with the family, and the three delays it found."""

    case = models.OneToOneField(DeathCase, on_delete=models.CASCADE, related_name="verbal_autopsy")
    interview_date = models.DateField()
    # Who told the story, as given (a name, perhaps): never in the review file, which
    # carries only the relation.
    informant = models.CharField(max_length=150)
    informant_relation = models.CharField(
        max_length=16, choices=InformantRelation.choices, blank=True
    )
    story = models.TextField(max_length=10_000)
    delay_deciding = models.BooleanField(default=False)
    delay_reaching = models.BooleanField(default=False)
    delay_receiving = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "verbal autopsies"

    def __str__(self) -> str:
        return f"Verbal autopsy of {self.case_id}"


class FacilitySummary(models.Model):
    """RMM/RMP: the care the service's records show, filled in at notification
    (``events``), with the facility's own account (``narrative``), both editable."""

    case = models.OneToOneField(
        DeathCase, on_delete=models.CASCADE, related_name="facility_summary"
    )
    # [{"at", "what", "facility", "detail": {...}}], oldest first (deaths/services/summary.py).
    events = models.JSONField(default=list)
    narrative = models.TextField(blank=True, max_length=10_000)
    filled_at = models.DateTimeField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "facility summaries"

    def __str__(self) -> str:
        return f"Facility summary of {self.case_id}"


class Avoidable(models.TextChoices):
    YES = "yes", "Ya"
    NO = "no", "Tidak"
    UNKNOWN = "unknown", "Tidak diketahui"


class Review(models.Model):
    """The district panel's review (RMM/RMP's conclusion): cause, avoidability, delays."""

    case = models.OneToOneField(DeathCase, on_delete=models.CASCADE, related_name="review")
    review_date = models.DateField()
    cause_group = models.CharField(max_length=12, choices=CauseGroup.choices)
    avoidable = models.CharField(max_length=8, choices=Avoidable.choices)
    delay_deciding = models.BooleanField(default=False)
    delay_reaching = models.BooleanField(default=False)
    delay_receiving = models.BooleanField(default=False)
    findings = models.TextField(max_length=10_000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cause_group__in=CauseGroup.values), name="review_cause_known"
            ),
            models.CheckConstraint(
                condition=Q(avoidable__in=Avoidable.values), name="review_avoidable_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.case_id}"


class Recommendation(models.Model):
    """What must change, who answers for it and by when; followed up until done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(DeathCase, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(max_length=2000)
    responsible = models.CharField(max_length=150)
    due = models.DateField()
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True, max_length=2000)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False, done_at__isnull=True) | Q(done=True, done_at__isnull=False),
                name="recommendation_done_has_time",
            ),
        ]
        indexes = [
            # "Open ones past their date": open recommendations by due date.
            models.Index(fields=["due"], condition=Q(done=False), name="recommendation_open_due"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.id}"


class Step(models.TextChoices):
    SCREENING = rules.STEP_SCREENING, "Skrining (MAMA-IN)"
    VERBAL_AUTOPSY = rules.STEP_VERBAL_AUTOPSY, "Otopsi verbal"
    REVIEW = rules.STEP_REVIEW, "Pengkajian"


class DeathDeadline(models.Model):
    """A step owed by a time: met when it is done; once past due and unmet, the health
    office is told once (``overdue_alerted_at`` is the claim)."""

    case = models.ForeignKey(DeathCase, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(max_length=16, choices=Step.choices)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="deadline_once_per_step"),
            models.CheckConstraint(condition=Q(step__in=Step.values), name="deadline_step_known"),
        ]
        indexes = [
            # The periodic task's question: unmet, not yet alerted, due before now.
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, overdue_alerted_at__isnull=True),
                name="deadline_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} of {self.case_id} due {self.due_at:%Y-%m-%d %H:%M}"


class ZeroReport(models.Model):
    """A facility's "no deaths this month" (monthly zero reporting, with PWS KIA)."""

    facility = models.ForeignKey("people.Facility", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month reported.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "facility_id"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "month"], name="zero_report_once"),
        ]

    def __str__(self) -> str:
        return f"Zero report {self.facility_id} {self.month:%Y-%m}"
