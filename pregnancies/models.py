"""Mothers, their pregnancies, antenatal visits, outcomes and the audit trail.

A mother (one person, matched by NIK) has many pregnancies over her life, at most one
active at a time; the database guards that with a partial unique index, so two racing
registrations cannot both win. Each facility keeps its own record of her
(docs/mothers.md).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pregnancies.rules import dates


class RiskBand(models.TextChoices):
    LOW = "low", "Kehamilan risiko rendah (KRR)"
    HIGH = "high", "Kehamilan risiko tinggi (KRT)"
    VERY_HIGH = "very_high", "Kehamilan risiko sangat tinggi (KRST)"


class PregnancyStatus(models.TextChoices):
    ACTIVE = "active", "Aktif"
    DELIVERED = "delivered", "Bersalin"
    ENDED = "ended", "Berakhir"


class EddSource(models.TextChoices):
    LMP = "lmp", "HPHT"
    ULTRASOUND = "ultrasound", "USG"


class Person(models.Model):
    """A mother as one person across facilities: her NIK, nothing else.

    A NIK is printed on every identity card, so it proves nothing about who types it:
    what each facility recorded of her lives in its own ``Mother`` record, and only
    the health office reads across them (docs/mothers.md).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nik = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Never the NIK: this string ends up in logs and admin messages.
        return f"Person {self.id}"


class Mother(models.Model):
    """One facility's record of a mother: her name, date of birth and contact details
    as that facility recorded them. A facility sees only its own records, plus the
    record a referred pregnancy carries (docs/mothers.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    facility = models.ForeignKey("people.Facility", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=20, blank=True)
    village = models.CharField(max_length=100, blank=True)
    # The regency's village ``village`` names, once places are loaded (docs/places.md);
    # records made before keep only their text, listed for the health office to match.
    village_place = models.ForeignKey(
        "people.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "facility"], name="one_mother_record_per_facility"
            )
        ]

    def __str__(self) -> str:
        # Never the name or NIK: this string ends up in logs and admin messages.
        return f"Mother {self.id}"


class Pregnancy(models.Model):
    Status = PregnancyStatus

    # Client-made on the phone when given, so an offline retry is idempotent.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="pregnancies")
    # The same as mother.person, kept here so that the database itself allows one active
    # pregnancy per person across every facility (the partial unique index below).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pregnancies")
    facility = models.ForeignKey(
        "people.Facility", on_delete=models.PROTECT, related_name="pregnancies"
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pregnancies_as_doctor",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lmp = models.DateField(null=True, blank=True)
    edd = models.DateField()
    edd_source = models.CharField(max_length=10, choices=EddSource.choices)
    gravida = models.PositiveSmallIntegerField()
    para = models.PositiveSmallIntegerField()
    abortus = models.PositiveSmallIntegerField()
    height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    # What the midwife gave; ``risk_factors`` adds the derived ones. Both are lists of
    # codes from pregnancies.rules.kspr (JSON so that SQLite, the embedded default,
    # stores them too).
    given_risk_factors = models.JSONField(default=list)
    risk_factors = models.JSONField(default=list)
    kspr_score = models.PositiveSmallIntegerField()
    risk_band = models.CharField(max_length=10, choices=RiskBand.choices)
    status = models.CharField(
        max_length=10, choices=PregnancyStatus.choices, default=PregnancyStatus.ACTIVE
    )
    # Digest of the create request, so an offline retry with the same id can be told
    # apart from a different registration that reused the id (409).
    create_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["edd", "id"]
        verbose_name_plural = "pregnancies"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=PregnancyStatus.ACTIVE),
                name="one_active_pregnancy_per_person",
            ),
            models.CheckConstraint(condition=Q(gravida__gte=1), name="pregnancy_gravida_positive"),
            models.CheckConstraint(
                condition=Q(gravida__gt=F("para") + F("abortus")),
                name="pregnancy_para_abortus_below_gravida",
            ),
            models.CheckConstraint(
                condition=Q(risk_band__in=RiskBand.values), name="pregnancy_risk_band_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PregnancyStatus.values), name="pregnancy_status_known"
            ),
            models.CheckConstraint(
                condition=Q(edd_source__in=EddSource.values), name="pregnancy_edd_source_known"
            ),
            # An EDD from the LMP needs the LMP; an ultrasound EDD may come without one.
            models.CheckConstraint(
                condition=Q(edd_source=EddSource.ULTRASOUND) | Q(lmp__isnull=False),
                name="pregnancy_lmp_edd_has_lmp",
            ),
            models.CheckConstraint(
                condition=Q(kspr_score__gte=2), name="pregnancy_kspr_score_from_base"
            ),
        ]
        indexes = [
            # The list endpoint's default order and due-date filters, per facility.
            models.Index(fields=["facility", "edd"], name="preg_facility_edd"),
            # Offline sync: "what changed in my facility since T".
            models.Index(fields=["facility", "updated_at"], name="preg_facility_updated"),
            # The alert scan and the regency-wide views: active pregnancies by EDD.
            models.Index(fields=["edd"], condition=Q(status="active"), name="preg_active_edd"),
            # The health office's regency-wide high-risk lists (risk_band filter, by EDD),
            # and the alert scan's windows: with id, facility and doctor included, a window is
            # read from the index alone, not from heap pages spread over the whole table.
            models.Index(
                fields=["risk_band", "edd"],
                condition=Q(status="active"),
                include=["id", "facility", "doctor"],
                name="preg_active_band_edd",
            ),
            # status filter within a facility (delivered/ended lists), by EDD.
            models.Index(fields=["facility", "status", "edd"], name="preg_facility_status_edd"),
        ]

    def __str__(self) -> str:
        return f"Pregnancy {self.id}"

    @property
    def ga_start(self) -> date:
        """Day 0 of its gestational age (pregnancies.rules.dates.ga_start)."""
        return dates.ga_start(lmp=self.lmp, edd=self.edd, edd_source=self.edd_source)


class Visit(models.Model):
    """An antenatal visit. Its number (K1, K2, ...) follows from the date order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField()
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    hemoglobin = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    muac_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    fundal_height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    fetal_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    danger_signs = models.JSONField(default=list)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Visits are recorded offline too: the id may be client-made, and the digest of
    # the create request tells an offline retry from a different visit reusing the id.
    create_digest = models.CharField(max_length=64, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Numbering (K1, K2, ...) follows this order; see selectors.visits_numbered.
        ordering = ["date", "created_at", "id"]
        indexes = [models.Index(fields=["pregnancy", "date"], name="visit_pregnancy_date")]

    def __str__(self) -> str:
        return f"Visit {self.id}"


class OutcomeKind(models.TextChoices):
    LIVE_BIRTH = "live_birth", "Lahir hidup"
    STILLBIRTH = "stillbirth", "Lahir mati"
    MISCARRIAGE = "miscarriage", "Keguguran"
    ABORTION = "abortion", "Aborsi"


class Outcome(models.Model):
    Kind = OutcomeKind

    pregnancy = models.OneToOneField(
        Pregnancy, on_delete=models.CASCADE, primary_key=True, related_name="outcome"
    )
    kind = models.CharField(max_length=12, choices=OutcomeKind.choices)
    date = models.DateField()
    place = models.CharField(max_length=150, blank=True)
    babies_born_alive = models.PositiveSmallIntegerField(default=0)
    mother_died = models.BooleanField(default=False)
    mother_death_date = models.DateField(null=True, blank=True)
    mother_death_cause = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutcomeKind.values), name="outcome_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(mother_died=True) | Q(mother_death_date__isnull=True),
                name="outcome_death_date_only_if_died",
            ),
            # A live birth has at least one baby born alive; the other kinds none.
            models.CheckConstraint(
                condition=(
                    Q(kind=OutcomeKind.LIVE_BIRTH, babies_born_alive__gte=1)
                    | (~Q(kind=OutcomeKind.LIVE_BIRTH) & Q(babies_born_alive=0))
                ),
                name="outcome_babies_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome of pregnancy {self.pregnancy_id}"


class AuditEntry(models.Model):
    """Who read or wrote which pregnancy, and when. Ids only, never clinical content.

    A ``match`` entry records a NIK typed at one facility that matched a person known
    from another facility's records: the person in ``object_id``, the facilities whose
    records matched and what the answer disclosed (docs/mothers.md).
    """

    class Action(models.TextChoices):
        LIST = "list"
        READ = "read"
        CREATE = "create"
        UPDATE = "update"
        MATCH = "match"

    class Target(models.TextChoices):
        PREGNANCY = "pregnancy"
        VISIT = "visit"
        OUTCOME = "outcome"
        PERSON = "person"

    class Disclosed(models.TextChoices):
        NOTHING = "nothing"
        # The 409 for an active pregnancy elsewhere names that facility, nothing more.
        FACILITY_NAME = "facility_name"
        # The active pregnancy was referred to the caller's facility: its id is theirs.
        REFERRED_PREGNANCY = "referred_pregnancy"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    target = models.CharField(max_length=20, choices=Target.choices)
    # Null on entries about a person rather than one pregnancy.
    pregnancy_id = models.UUIDField(null=True, blank=True, db_index=True)
    object_id = models.UUIDField(null=True, blank=True)
    # Match entries only: the facilities whose records matched, and what was disclosed.
    matched_facilities = models.JSONField(default=list, blank=True)
    disclosed = models.CharField(max_length=20, choices=Disclosed.choices, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["user", "at"], name="audit_user_at")]

    def __str__(self) -> str:
        if self.pregnancy_id is None:
            return f"{self.action} {self.target} {self.object_id}"
        return f"{self.action} {self.target} of pregnancy {self.pregnancy_id}"


class RiskSource(models.TextChoices):
    REGISTRATION = "registration"
    VISIT = "visit"
    EDIT = "edit"
    # The post-term factor arrives with the calendar, found by the periodic scan.
    SCAN = "scan"


class RiskChange(models.Model):
    """One factor added to or removed from a pregnancy's KSPR card, and what it made of
    the score and band (docs/pregnancies.md, "The risk card follows the pregnancy")."""

    class Change(models.TextChoices):
        ADDED = "added"
        REMOVED = "removed"

    Source = RiskSource

    id = models.BigAutoField(primary_key=True)
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.CASCADE, related_name="risk_changes")
    at = models.DateTimeField()
    factor = models.CharField(max_length=40)
    change = models.CharField(max_length=8, choices=Change.choices)
    points = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=12, choices=RiskSource.choices)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kspr_score = models.PositiveSmallIntegerField()
    risk_band = models.CharField(max_length=10, choices=RiskBand.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["pregnancy", "at"], name="risk_change_pregnancy_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__in=["added", "removed"]), name="risk_change_change_known"
            ),
            models.CheckConstraint(
                condition=Q(source__in=RiskSource.values), name="risk_change_source_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.factor} on pregnancy {self.pregnancy_id}"


class EddChangeSource(models.TextChoices):
    # A correction (PATCH), by its user.
    EDIT = "edit"
    # The rule that derives the EDD from the LMP changed; no user
    # (pregnancies/migrations/0009_edd_by_naegele_calendar.py).
    RULE = "rule"


class EddChange(models.Model):
    """The EDD moved, from what to what, and why (docs/pregnancies.md, "The EDD's
    history")."""

    Source = EddChangeSource

    id = models.BigAutoField(primary_key=True)
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.CASCADE, related_name="edd_changes")
    at = models.DateTimeField()
    old_edd = models.DateField()
    new_edd = models.DateField()
    # Where the new EDD comes from.
    edd_source = models.CharField(max_length=10, choices=EddSource.choices)
    source = models.CharField(max_length=8, choices=EddChangeSource.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["pregnancy", "at"], name="edd_change_pregnancy_at")]
        constraints = [
            models.CheckConstraint(condition=~Q(new_edd=F("old_edd")), name="edd_change_moves"),
            models.CheckConstraint(
                condition=Q(source__in=EddChangeSource.values), name="edd_change_source_known"
            ),
            models.CheckConstraint(
                condition=Q(edd_source__in=EddSource.values), name="edd_change_edd_source_known"
            ),
            # A correction has its author; a change of rule has none.
            models.CheckConstraint(
                condition=Q(source=EddChangeSource.EDIT, by__isnull=False)
                | Q(source=EddChangeSource.RULE, by__isnull=True),
                name="edd_change_author_iff_edit",
            ),
        ]

    def __str__(self) -> str:
        return f"EDD of pregnancy {self.pregnancy_id} moved ({self.source})"


class ReferralKind(models.TextChoices):
    # Planned early referral before labour / timely referral in an emergency (KSPR card).
    RDB = "rdb", "Rujukan dini berencana"
    RTW = "rtw", "Rujukan tepat waktu"


class Referral(models.Model):
    """A pregnancy handed to another facility, which then cares for it too."""

    Kind = ReferralKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.CASCADE, related_name="referrals")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_facility = models.ForeignKey(
        "people.Facility", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_facility = models.ForeignKey(
        "people.Facility", on_delete=models.PROTECT, related_name="referrals_received"
    )
    kind = models.CharField(max_length=3, choices=ReferralKind.choices)
    alert = models.ForeignKey(
        "notifications.Alert",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # pregnancies_visible_to asks "which pregnancies were referred to facility F".
            models.Index(fields=["to_facility", "pregnancy"], name="referral_to_facility"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReferralKind.values), name="referral_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(from_facility=F("to_facility")), name="referral_to_another_facility"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.id} of pregnancy {self.pregnancy_id}"
