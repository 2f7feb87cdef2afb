"""Request and answer shapes of the registry's API.

Input serializers check types, lengths and ranges only (limits.py); every rule that
needs the database or today's date runs in the services. Answers read stored values
and the context's ``today`` (Jember's date), never the clock.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from pregnancies.models import (
    AuditEntry,
    Mother,
    Outcome,
    OutcomeKind,
    Pregnancy,
    PregnancyStatus,
    Referral,
    RiskChange,
)
from pregnancies.rules import limits
from pregnancies.rules.anc import has_chronic_energy_deficiency, is_hypertensive, visit_label
from pregnancies.rules.dates import age_on, gestational_age

PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{4,}$", gettext_lazy("Give a phone number: digits, optionally +62...")
)


class RoundedDecimalField(serializers.DecimalField):
    """A measurement: rounded to the field's decimal places instead of refused for them."""

    def validate_precision(self, value):
        try:
            value = value.quantize(Decimal(1).scaleb(-self.decimal_places), decimal.ROUND_HALF_UP)
        except decimal.InvalidOperation:  # far too many digits to quantize
            self.fail("max_digits", max_digits=self.max_digits)
        return super().validate_precision(value)


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, **kwargs
    )


def _codes() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=limits.CODE_MAX_LENGTH),
        max_length=limits.CODES_MAX_ITEMS,
        required=False,
    )


def _measure(name: str, *, integer: bool = False, max_digits: int = 4) -> serializers.Field:
    low, high = limits.VISIT_RANGES[name]
    if integer:
        return serializers.IntegerField(
            min_value=int(low), max_value=int(high), required=False, allow_null=True
        )
    return RoundedDecimalField(
        max_digits=max_digits,
        decimal_places=1,
        min_value=low,
        max_value=high,
        required=False,
        allow_null=True,
    )


# ---- requests ----------------------------------------------------------------------------


class MotherInput(serializers.Serializer):
    nik = serializers.CharField(max_length=limits.NIK_INPUT_MAX_LENGTH)
    full_name = serializers.CharField(max_length=limits.NAME_MAX_LENGTH)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = _text(limits.PHONE_MAX_LENGTH, validators=[PHONE])
    village = _text(limits.VILLAGE_MAX_LENGTH)
    address = _text(limits.ADDRESS_MAX_LENGTH)


class PregnancyFieldsInput(serializers.Serializer):
    lmp = serializers.DateField(required=False, allow_null=True)
    edd = serializers.DateField(required=False, allow_null=True)
    gravida = serializers.IntegerField(min_value=1, max_value=limits.GRAVIDA_MAX)
    para = serializers.IntegerField(min_value=0, max_value=limits.GRAVIDA_MAX)
    abortus = serializers.IntegerField(min_value=0, max_value=limits.GRAVIDA_MAX)
    height_cm = RoundedDecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=limits.HEIGHT_CM_MIN,
        max_value=limits.HEIGHT_CM_MAX,
        required=False,
        allow_null=True,
    )
    risk_factors = _codes()
    doctor = serializers.UUIDField(required=False, allow_null=True)


class PregnancyCreateInput(PregnancyFieldsInput):
    id = serializers.UUIDField(required=False, help_text="Client-made id: retries are idempotent.")
    mother = MotherInput()


class PregnancyPatchInput(PregnancyFieldsInput):
    """Used with partial=True: every field optional, the mother's too."""

    mother = MotherInput(required=False)


class VisitInput(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="Client-made id: retries are idempotent.")
    date = serializers.DateField()
    systolic = _measure("systolic", integer=True)
    diastolic = _measure("diastolic", integer=True)
    weight_kg = _measure("weight_kg", max_digits=5)
    hemoglobin = _measure("hemoglobin")
    muac_cm = _measure("muac_cm")
    fundal_height_cm = _measure("fundal_height_cm")
    fetal_heart_rate = _measure("fetal_heart_rate", integer=True)
    danger_signs = _codes()
    notes = _text(limits.NOTES_MAX_LENGTH)


# Named like the answer (its request form becomes "OutcomeRequest"), so the outcome's
# "kind" enum belongs to one component and does not collide with Facility's "kind".
@extend_schema_serializer(component_name="Outcome")
class OutcomeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    date = serializers.DateField()
    place = _text(limits.PLACE_MAX_LENGTH)
    babies_born_alive = serializers.IntegerField(
        min_value=0, max_value=limits.BABIES_BORN_ALIVE_MAX, required=False, allow_null=True
    )
    mother_died = serializers.BooleanField(required=False)
    mother_death_date = serializers.DateField(required=False, allow_null=True)
    mother_death_cause = _text(limits.DEATH_CAUSE_MAX_LENGTH)


# ---- answers -----------------------------------------------------------------------------


class GestationalAgeSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    days = serializers.IntegerField()


def _ga(pregnancy: Pregnancy, on) -> dict | None:
    try:
        return gestational_age(start=pregnancy.ga_start, on=on).as_dict()
    except ValueError:  # before the start of the pregnancy: no age to show
        return None


class MotherSerializer(serializers.ModelSerializer):
    """The mother as the pregnancy's facility recorded her (docs/mothers.md)."""

    nik = serializers.CharField(source="person.nik", read_only=True)
    age = serializers.SerializerMethodField()
    village_code = serializers.CharField(
        source="village_place.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Kemendagri code of the village; null for a village not matched yet.",
    )

    class Meta:
        model = Mother
        fields = [
            "id",
            "nik",
            "full_name",
            "date_of_birth",
            "age",
            "phone",
            "village",
            "village_code",
            "address",
        ]

    def get_age(self, mother: Mother) -> int:
        return age_on(mother.date_of_birth, self.context["today"])


_HEIGHT = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)


class PregnancySerializer(serializers.ModelSerializer):
    mother = MotherSerializer(read_only=True)
    gestational_age = serializers.SerializerMethodField()
    height_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, read_only=True
    )
    risk_factors = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Given and derived KSPR codes."
    )

    class Meta:
        model = Pregnancy
        fields = [
            "id",
            "mother",
            "lmp",
            "edd",
            "edd_source",
            "gestational_age",
            "gravida",
            "para",
            "abortus",
            "height_cm",
            "risk_factors",
            "kspr_score",
            "risk_band",
            "status",
            "facility",
            "doctor",
            "registered_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, pregnancy: Pregnancy) -> dict:
        """The answer the fields above describe, put together directly.

        A list page is 50 of these, and DRF's walk over 28 fields (an attribute lookup,
        a None check and a to_representation call each) was most of the page's Python
        time (bench/notes.md). tests/pregnancies/test_serializers.py holds this equal to
        the generic ``ModelSerializer.to_representation`` for every kind of pregnancy.
        """
        today = self.context["today"]  # a property that walks to the root: read once
        zone = timezone.get_current_timezone()
        mother = pregnancy.mother
        place = mother.village_place
        return {
            "id": str(pregnancy.id),
            "mother": {
                "id": str(mother.id),
                "nik": mother.person.nik,
                "full_name": mother.full_name,
                "date_of_birth": _iso(mother.date_of_birth),
                "age": age_on(mother.date_of_birth, today),
                "phone": mother.phone,
                "village": mother.village,
                "village_code": None if place is None else place.code,
                "address": mother.address,
            },
            "lmp": _iso(pregnancy.lmp),
            "edd": _iso(pregnancy.edd),
            "edd_source": str(pregnancy.edd_source),
            "gestational_age": _pregnancy_ga(pregnancy, today),
            "gravida": pregnancy.gravida,
            "para": pregnancy.para,
            "abortus": pregnancy.abortus,
            "height_cm": (
                None
                if pregnancy.height_cm is None
                else _HEIGHT.to_representation(pregnancy.height_cm)
            ),
            "risk_factors": [str(code) for code in pregnancy.risk_factors],
            "kspr_score": pregnancy.kspr_score,
            "risk_band": str(pregnancy.risk_band),
            "status": str(pregnancy.status),
            "facility": pregnancy.facility_id,
            "doctor": pregnancy.doctor_id,
            "registered_by": pregnancy.registered_by_id,
            "created_at": _stamp(pregnancy.created_at, zone),
            "updated_at": _stamp(pregnancy.updated_at, zone),
        }

    @extend_schema_field(GestationalAgeSerializer(allow_null=True))
    def get_gestational_age(self, pregnancy: Pregnancy) -> dict | None:
        return _pregnancy_ga(pregnancy, self.context["today"])


def _pregnancy_ga(pregnancy: Pregnancy, today) -> dict | None:
    """Today's for an active pregnancy; at the outcome for a closed one."""
    on = today
    if pregnancy.status != PregnancyStatus.ACTIVE:
        outcome = getattr(pregnancy, "outcome", None)
        on = outcome.date if outcome is not None else on
    return _ga(pregnancy, on)


def _stamp(moment, zone) -> str:
    """A stored (aware) timestamp as DRF's DateTimeField writes it: in the current time
    zone, ISO 8601, "Z" for UTC."""
    text = moment.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=1, coerce_to_string=False, read_only=True, **kwargs
    )


class VisitSerializer(serializers.Serializer):
    """A visit with its number (annotated by selectors.visits_numbered)."""

    id = serializers.UUIDField(read_only=True)
    visit_number = serializers.IntegerField(read_only=True)
    label = serializers.SerializerMethodField()
    date = serializers.DateField(read_only=True)
    gestational_age = serializers.SerializerMethodField()
    systolic = serializers.IntegerField(read_only=True, allow_null=True)
    diastolic = serializers.IntegerField(read_only=True, allow_null=True)
    weight_kg = _number(allow_null=True)
    hemoglobin = _number(allow_null=True)
    muac_cm = _number(allow_null=True)
    fundal_height_cm = _number(allow_null=True)
    fetal_heart_rate = serializers.IntegerField(read_only=True, allow_null=True)
    danger_signs = serializers.ListField(child=serializers.CharField(), read_only=True)
    notes = serializers.CharField(read_only=True)
    hypertension = serializers.SerializerMethodField()
    chronic_energy_deficiency = serializers.SerializerMethodField()
    by = serializers.UUIDField(source="recorded_by_id", read_only=True)
    by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_label(self, visit) -> str:
        return visit_label(visit.visit_number)

    @extend_schema_field(GestationalAgeSerializer(allow_null=True))
    def get_gestational_age(self, visit) -> dict | None:
        return _ga(self.context["pregnancy"], visit.date)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_hypertension(self, visit) -> bool | None:
        """140/90 or more; either number alone is enough; null when neither was measured."""
        if visit.systolic is None and visit.diastolic is None:
            return None
        return is_hypertensive(visit.systolic or 0, visit.diastolic or 0)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_chronic_energy_deficiency(self, visit) -> bool | None:
        """LiLA under 23.5 cm (KEK); null when not measured."""
        if visit.muac_cm is None:
            return None
        return has_chronic_energy_deficiency(float(visit.muac_cm))


class OutcomeSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="pregnancy.status", read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "pregnancy",
            "kind",
            "date",
            "place",
            "babies_born_alive",
            "mother_died",
            "mother_death_date",
            "mother_death_cause",
            "status",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AuditEntrySerializer(serializers.ModelSerializer):
    """One entry of the trail, ids only (docs/mothers.md, "Audit of matches").

    ``pregnancy`` is null on entries about a person; ``matched_facilities`` (facility
    ids) and ``disclosed`` are filled on ``match`` entries only (empty and null on the
    others).
    """

    username = serializers.CharField(source="user.username", read_only=True)
    pregnancy = serializers.UUIDField(source="pregnancy_id", read_only=True, allow_null=True)
    matched_facilities = serializers.ListField(child=serializers.UUIDField(), read_only=True)
    disclosed = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "user",
            "username",
            "action",
            "target",
            "pregnancy",
            "object_id",
            "matched_facilities",
            "disclosed",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=AuditEntry.Disclosed.choices, allow_null=True)
    )
    def get_disclosed(self, entry) -> str | None:
        return entry.disclosed or None


class RiskChangeSerializer(serializers.ModelSerializer):
    visit = serializers.UUIDField(source="visit_id", allow_null=True, read_only=True)
    by = serializers.UUIDField(source="by_id", allow_null=True, read_only=True)

    class Meta:
        model = RiskChange
        fields = [
            "at",
            "factor",
            "change",
            "points",
            "source",
            "visit",
            "by",
            "kspr_score",
            "risk_band",
        ]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    by = serializers.UUIDField(source="by_id", read_only=True)
    from_facility = serializers.UUIDField(source="from_facility_id", read_only=True)
    to_facility = serializers.UUIDField(source="to_facility_id", read_only=True)
    alert = serializers.UUIDField(source="alert_id", allow_null=True, read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "at", "by", "from_facility", "to_facility", "kind", "alert"]
        read_only_fields = fields


class LabelSerializer(serializers.Serializer):
    id = serializers.CharField()
    en = serializers.CharField()


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = LabelSerializer()


class RiskFactorReferenceSerializer(CodeSerializer):
    points = serializers.IntegerField()
    derived = serializers.BooleanField()


class MilestoneReferenceSerializer(CodeSerializer):
    offset_days = serializers.IntegerField(allow_null=True)
    bands = serializers.ListField(child=serializers.CharField())
    urgent = serializers.BooleanField()
    active = serializers.BooleanField()


class ReferenceSerializer(serializers.Serializer):
    risk_factors = RiskFactorReferenceSerializer(many=True)
    danger_signs = CodeSerializer(many=True)
    outcome_kinds = CodeSerializer(many=True)
    milestones = MilestoneReferenceSerializer(many=True)
    acknowledge_actions = CodeSerializer(many=True)
    referral_kinds = CodeSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    pregnancy = serializers.UUIDField(
        required=False, help_text="The mother's active pregnancy, when that is the conflict."
    )
