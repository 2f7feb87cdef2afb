"""Typed answers of the dashboard API, so the schema says what comes back (and what may be
null: an admin's high-risk rows withhold the mother, docs/dashboard.md)."""

from __future__ import annotations

from rest_framework import serializers

from deaths import rules as death_rules
from deaths.serializers import DelaysSerializer
from jsc.people.serializers import FacilityRefSerializer
from pregnancies.models import RiskBand


class _KindCounts(serializers.Serializer):
    maternal = serializers.IntegerField()
    late_maternal = serializers.IntegerField()
    perinatal = serializers.IntegerField()


class DeathsMonthSerializer(_KindCounts):
    month = serializers.IntegerField()


class DeathsDistrictSerializer(_KindCounts):
    district = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class MissingZeroReportSerializer(serializers.Serializer):
    facility = FacilityRefSerializer()
    month = serializers.CharField(help_text="YYYY-MM")


class DelayCountsSerializer(serializers.Serializer):
    deciding = serializers.IntegerField()
    reaching = serializers.IntegerField()
    receiving = serializers.IntegerField()


class DeathsCaseRowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    died_on = serializers.DateField()
    district = serializers.CharField(allow_null=True)
    registered = serializers.BooleanField()
    notified_late = serializers.BooleanField()
    cause_group = serializers.CharField(allow_null=True)
    delays = DelaysSerializer(allow_null=True)


class CauseGroupCountsSerializer(serializers.Serializer):
    """One count per ICD-MM group."""

    def get_fields(self):
        return {code: serializers.IntegerField() for code in death_rules.CAUSE_GROUPS}


class DeathsDashboardSerializer(_KindCounts):
    year = serializers.IntegerField()
    live_births = serializers.IntegerField(help_text="The MMR's denominator.")
    mmr_per_100k_live_births = serializers.FloatField(allow_null=True)
    mmr_reliable = serializers.BooleanField(
        help_text="False under 1,000 live births: read the counts, not the ratio."
    )
    by_month = DeathsMonthSerializer(many=True)
    by_district = DeathsDistrictSerializer(many=True)
    by_cause_group = CauseGroupCountsSerializer()
    not_reviewed = serializers.IntegerField()
    by_delay = DelayCountsSerializer()
    notified_within_limit_pct = serializers.FloatField(allow_null=True)
    notification_hours = serializers.IntegerField()
    reviews_done = serializers.IntegerField()
    reviews_overdue = serializers.IntegerField()
    verbal_autopsies_overdue = serializers.IntegerField()
    recommendations_open = serializers.IntegerField()
    recommendations_overdue = serializers.IntegerField()
    missing_zero_reports = MissingZeroReportSerializer(many=True)
    cases = DeathsCaseRowSerializer(many=True)


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
