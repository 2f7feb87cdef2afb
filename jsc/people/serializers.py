from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from jsc.people.models import AdminChange, District, Facility, Role, User, Village

# SATUSEHAT's ids (docs/satusehat.md, "Facilities and staff"): an organization is
# known by its IHS number, digits; a location or practitioner by a FHIR id.
_FHIR_ID = RegexValidator(
    r"^[A-Za-z0-9.-]{1,64}$", _("Letters, digits, '-' and '.' only, at most 64 (a FHIR id).")
)
_ORGANIZATION_ID = RegexValidator(
    r"^[0-9]{1,20}$", _("The facility's SATUSEHAT organization id (its IHS number): digits only.")
)


def satusehat_id_field(validator: RegexValidator, help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        trim_whitespace=True,
        validators=[validator],
        help_text=help_text,
    )


class FacilitySerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        max_length=32,
        validators=[
            UniqueValidator(Facility.objects.all(), message=_("A facility has this code."))
        ],
    )
    district = serializers.SlugRelatedField(
        slug_field="name",
        queryset=District.objects.all(),
        error_messages={"does_not_exist": _("No district (kecamatan) is named {value}.")},
    )
    satusehat_organization_id = satusehat_id_field(
        _ORGANIZATION_ID, "The facility's organization id at SATUSEHAT; blank until known."
    )
    satusehat_location_id = satusehat_id_field(
        _FHIR_ID, "The SATUSEHAT Location where its antenatal care happens."
    )

    class Meta:
        model = Facility
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "district",
            "active",
            "satusehat_organization_id",
            "satusehat_location_id",
        ]
        read_only_fields = ["active"]


class FacilityUpdateSerializer(FacilitySerializer):
    """PATCH: name, kind, district, active and the SATUSEHAT ids; the code is what the
    apps know it by."""

    code = serializers.CharField(read_only=True)

    class Meta(FacilitySerializer.Meta):
        read_only_fields: list[str] = []


class FacilityRefSerializer(serializers.Serializer):
    """A facility named in another answer (the dashboard's, SATUSEHAT's status): one
    component in the schema, whichever app answers."""

    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class FacilityBriefSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "district"]


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role", read_only=True)
    # The health office and admins belong to no facility: null for them.
    facility = FacilityBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "facility"]


class UserSerializer(serializers.ModelSerializer):
    """A user as the admin API shows one (never the password)."""

    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "phone",
            "facility",
            "active",
            "satusehat_practitioner_id",
        ]
        read_only_fields = fields


class UserCreateSerializer(serializers.ModelSerializer):
    username = serializers.CharField(
        max_length=150,
        # Declaring the field drops the model's validators, so the character rule is
        # repeated here: usernames go into logs and URLs.
        validators=[
            UnicodeUsernameValidator(),
            UniqueValidator(User.objects.all(), message=_("This username is taken.")),
        ],
    )
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=Role.choices)
    facility = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.all(), required=False, allow_null=True
    )
    satusehat_practitioner_id = satusehat_id_field(
        _FHIR_ID, "The midwife's or doctor's practitioner id at SATUSEHAT."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "role",
            "phone",
            "facility",
            "satusehat_practitioner_id",
        ]
        extra_kwargs = {"full_name": {"required": True, "allow_blank": False}}


class UserUpdateSerializer(serializers.Serializer):
    """PATCH /users/{id}/: any of these; the role and facility rules are the service's."""

    full_name = serializers.CharField(max_length=150, allow_blank=False)
    phone = serializers.CharField(max_length=20, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True)
    active = serializers.BooleanField()
    satusehat_practitioner_id = satusehat_id_field(
        _FHIR_ID, "The midwife's or doctor's practitioner id at SATUSEHAT; blank to clear."
    )


class PasswordResetSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class AdminChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminChange
        fields = ["id", "at", "by", "action", "target", "object_id", "changes"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name"]
        read_only_fields = fields


class VillageSerializer(serializers.ModelSerializer):
    district = DistrictSerializer(read_only=True)

    class Meta:
        model = Village
        fields = ["code", "name", "district"]
        read_only_fields = fields
