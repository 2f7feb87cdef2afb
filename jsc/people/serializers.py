from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from jsc.people.models import ROLES_WITH_FACILITY, District, Facility, Role, User, Village


class FacilitySerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        max_length=32,
        validators=[UniqueValidator(Facility.objects.all(), message="A facility has this code.")],
    )
    district = serializers.SlugRelatedField(
        slug_field="name",
        queryset=District.objects.all(),
        error_messages={"does_not_exist": "No district (kecamatan) is named {value}."},
    )

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "kind", "district"]

    def create(self, validated_data):
        try:
            with transaction.atomic():
                return super().create(validated_data)
        except IntegrityError:
            # Two admins creating the same code at once: the unique index decides.
            raise serializers.ValidationError({"code": ["A facility has this code."]}) from None


class FacilityBriefSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "district"]


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role", read_only=True)
    facility = FacilityBriefSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "facility"]


class UserCreateSerializer(serializers.ModelSerializer):
    username = serializers.CharField(
        max_length=150,
        # Declaring the field drops the model's validators, so the character rule is
        # repeated here: usernames go into logs and URLs.
        validators=[
            UnicodeUsernameValidator(),
            UniqueValidator(User.objects.all(), message="This username is taken."),
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

    def validate(self, attrs):
        if attrs["role"] in ROLES_WITH_FACILITY and not attrs.get("facility"):
            raise serializers.ValidationError(
                {"facility": [f"A {attrs['role']} must belong to a facility."]}
            )
        candidate = User(username=attrs["username"], full_name=attrs.get("full_name", ""))
        try:
            validate_password(attrs["password"], candidate)
        except Exception as exc:  # django's ValidationError carries the messages
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs

    def create(self, validated_data):
        try:
            with transaction.atomic():
                return User.objects.create_user(**validated_data)
        except IntegrityError:
            # Two admins creating the same username at once: the unique index decides.
            raise serializers.ValidationError({"username": ["This username is taken."]}) from None


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
