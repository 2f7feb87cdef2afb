"""People and places: districts, facilities and the users who work in them."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class District(models.Model):
    """A kecamatan of the regency; facilities and dashboards group by it.

    ``code`` is the Kemendagri code ("35.09.21"), set when the regency's places are
    loaded (jsc/people/places.py); a district made from a list of names has none yet.
    """

    code = models.CharField(max_length=8, unique=True, null=True, blank=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A desa or kelurahan of the regency with its Kemendagri code ("35.09.21.1005").

    Names are not unique: a name can occur in two districts (docs/places.md).
    """

    code = models.CharField(max_length=13, unique=True)
    name = models.CharField(max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="village_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FacilityKind(models.TextChoices):
    PUSKESMAS = "puskesmas", "Puskesmas"
    HOSPITAL = "hospital", "Rumah sakit"
    CLINIC = "clinic", "Klinik"


class Facility(models.Model):
    Kind = FacilityKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="facilities")
    # A facility that closed or merged: kept for its history, offered to no new staff.
    # A database default too, so rows written by code that predates the column (an older
    # process during a deploy, a data migration's historical model) are active.
    active = models.BooleanField(default=True, db_default=True)
    # The facility as SATUSEHAT knows it: its organization (IHS) id and the location
    # its antenatal care happens in. Blank until an admin sets them; the outbox waits
    # for them (docs/satusehat.md, "Facilities and staff").
    satusehat_organization_id = models.CharField(
        max_length=64, blank=True, default="", db_default=""
    )
    satusehat_location_id = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FacilityKind.values), name="facility_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    MIDWIFE = "midwife", "Bidan"
    DOCTOR = "doctor", "Dokter"
    HEALTH_OFFICE = "health_office", "Dinas Kesehatan"
    ADMIN = "admin", "Admin"


ROLES_WITH_FACILITY = (Role.MIDWIFE, Role.DOCTOR)
# A change to any of these ends every login (JWT) the user holds: docs/security.md,
# "Ending a user's tokens".
TOKEN_REVOKING_FIELDS = ("password", "role", "facility_id", "is_active")


class JscUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("full_name", username)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No default: a user created without a role fails the constraint below rather
    # than quietly receiving one.
    role = models.CharField(max_length=16, choices=Role.choices)
    full_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, blank=True)
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # The midwife's or doctor's practitioner id at SATUSEHAT (docs/satusehat.md,
    # "Facilities and staff"); the encounters they record wait without it.
    satusehat_practitioner_id = models.CharField(
        max_length=64, blank=True, default="", db_default=""
    )
    # Every JWT carries the version it was issued under; a token of another version is
    # refused. Raised by save() whenever a TOKEN_REVOKING_FIELDS value changes.
    token_version = models.PositiveIntegerField(default=0, db_default=0)

    objects = JscUserManager()

    # Not AbstractUser's ["email"]: the contract's first-admin recipe is
    # `createsuperuser --noinput` with DJANGO_SUPERUSER_USERNAME and _PASSWORD only.
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_WITH_FACILITY) | Q(facility__isnull=False),
                name="user_clinician_has_facility",
            ),
            # The health office and admins work for the whole regency, not one facility.
            models.CheckConstraint(
                condition=Q(role__in=ROLES_WITH_FACILITY) | Q(facility__isnull=True),
                name="user_non_clinician_has_no_facility",
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        # The values as read, so save() can tell what changed without reading again
        # (Django's documented pattern, "Customizing model loading").
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        """Saves the user; a changed password, role, facility or active flag ends every
        token issued before (docs/security.md, "Ending a user's tokens").

        Here rather than in each service so that every path that saves a user (the
        admin API, the Django admin's forms, ``manage.py changepassword``) revokes alike.
        """
        update_fields = kwargs.get("update_fields")
        if self._revoking_change(update_fields):
            # An increment in SQL: two changes at once both count.
            self.token_version = models.F("token_version") + 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "token_version"}
        super().save(*args, **kwargs)
        if isinstance(self.token_version, models.Expression):
            self.refresh_from_db(fields=["token_version"])
        self._loaded = {f: getattr(self, f) for f in TOKEN_REVOKING_FIELDS}

    def _revoking_change(self, update_fields) -> bool:
        loaded = getattr(self, "_loaded", None)
        if self._state.adding or loaded is None:
            return False  # a new user has no token yet
        saved = {f.attname for f in self._meta.concrete_fields}
        if update_fields is not None:
            saved = {self._meta.get_field(name).attname for name in update_fields}
        return any(
            field in saved and field in loaded and getattr(self, field) != loaded[field]
            for field in TOKEN_REVOKING_FIELDS
        )

    @property
    def effective_role(self) -> str:
        """A superuser acts as admin whatever its stored role."""
        return Role.ADMIN if self.is_superuser else self.role

    @property
    def is_admin_role(self) -> bool:
        return self.effective_role == Role.ADMIN


class AdminChange(models.Model):
    """One change an admin made to a facility or a user: who, when, what.

    Field names always; old and new values only for what is not personal (role,
    facility, active, a facility's name, kind and district), never a name, phone or
    password.
    """

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        PASSWORD_RESET = "password_reset"

    class Target(models.TextChoices):
        USER = "user"
        FACILITY = "facility"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    target = models.CharField(max_length=10, choices=Target.choices)
    object_id = models.UUIDField(db_index=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.target} {self.object_id}"
