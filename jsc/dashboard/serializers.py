"""Typed answers of the dashboard API, so the schema says what comes back (and what may be
null: an admin's high-risk rows withhold the mother, docs/dashboard.md)."""

from __future__ import annotations

from rest_framework import serializers

from pregnancies.models import RiskBand


class HighRiskMotherSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    village = serializers.CharField(allow_blank=True)
    village_code = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_blank=True)


class HighRiskFacilitySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class HighRiskDoctorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


class BirthPlanSerializer(serializers.Serializer):
    place = serializers.CharField()
    attendant = serializers.CharField()
    referral = serializers.CharField()


class HighRiskRowSerializer(serializers.Serializer):
    pregnancy = serializers.UUIDField()
    # Null for admins, with kspr_score and risk_factors: who she is is the health office's.
    mother = HighRiskMotherSerializer(allow_null=True)
    district = serializers.CharField()
    facility = HighRiskFacilitySerializer()
    edd = serializers.DateField()
    days_to_edd = serializers.IntegerField()
    risk_band = serializers.ChoiceField(choices=RiskBand.choices)
    kspr_score = serializers.IntegerField(allow_null=True)
    risk_factors = serializers.ListField(child=serializers.CharField(), allow_null=True)
    birth_plan = BirthPlanSerializer()
    doctor = HighRiskDoctorSerializer(allow_null=True)
    last_visit = serializers.DateField(allow_null=True)
    unacknowledged_alerts = serializers.IntegerField()


class HighRiskPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HighRiskRowSerializer(many=True)
