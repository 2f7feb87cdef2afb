from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from jsc.people.models import AdminChange, District, Facility, Role, User, Village


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

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "kind", "district", "active"]
        read_only_fields = ["active"]


class FacilityUpdateSerializer(FacilitySerializer):
    """PATCH: name, kind, district and active; the code is what the apps know it by."""

    code = serializers.CharField(read_only=True)

    class Meta(FacilitySerializer.Meta):
        read_only_fields: list[str] = []


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
        fields = ["id", "username", "full_name", "role", "phone", "facility", "active"]
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

    class Meta:
        model = User
        fields = ["id", "username", "password", "full_name", "role", "phone", "facility"]
        extra_kwargs = {"full_name": {"required": True, "allow_blank": False}}


class UserUpdateSerializer(serializers.Serializer):
    """PATCH /users/{id}/: any of these; the role and facility rules are the service's."""

    full_name = serializers.CharField(max_length=150, allow_blank=False)
    phone = serializers.CharField(max_length=20, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True)
    active = serializers.BooleanField()


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
