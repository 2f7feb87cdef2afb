from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from notifications.models import (
    TOKEN_MAX_LENGTH,
    TOKEN_PATTERN,
    AckAction,
    Alert,
    AlertRule,
    Device,
)
from pregnancies.models import ReferralKind, RiskBand
from pregnancies.rules.urgent import DANGER_SIGN_MILESTONE


class TokenField(serializers.CharField):
    """A string and nothing else: DRF's CharField would store 12345 as "12345", a token
    no phone holds."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DeviceSerializer(serializers.ModelSerializer):
    token = TokenField(
        max_length=TOKEN_MAX_LENGTH,
        trim_whitespace=True,
        validators=[
            RegexValidator(
                rf"^{TOKEN_PATTERN}\Z",
                gettext_lazy("Not a push token: letters, digits and _ : . - only."),
            )
        ],
    )

    class Meta:
        model = Device
        fields = ["token", "platform", "active", "created_at", "updated_at"]
        read_only_fields = ["active", "created_at", "updated_at"]
        # The token is unique, but a known token moves to whoever registers it last,
        # so the model's unique validator must not turn that into a 400.
        extra_kwargs = {"token": {"validators": []}}


class AlertMotherSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    village = serializers.CharField()
    phone = serializers.CharField()


class AlertFacilitySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AlertVisitSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    date = serializers.DateField()
    danger_signs = serializers.ListField(child=serializers.CharField())
    systolic = serializers.IntegerField(allow_null=True)
    diastolic = serializers.IntegerField(allow_null=True)


class AlertSerializer(serializers.ModelSerializer):
    """An inbox entry with what a doctor needs to act without another call.

    Mother, facility, score and factors are the pregnancy's as they are now; the inbox
    view audits every pregnancy it shows (docs/alerts-urgent.md, "The inbox").
    """

    days_to_edd = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField()
    # Null on a death alert (``death`` names its case): it is about no pregnancy.
    mother = AlertMotherSerializer(source="pregnancy.mother", read_only=True, allow_null=True)
    facility = AlertFacilitySerializer(source="pregnancy.facility", read_only=True, allow_null=True)
    kspr_score = serializers.IntegerField(
        source="pregnancy.kspr_score", read_only=True, allow_null=True
    )
    risk_factors = serializers.ListField(
        source="pregnancy.risk_factors",
        child=serializers.CharField(),
        read_only=True,
        allow_null=True,
    )
    death = serializers.UUIDField(
        source="death_id", read_only=True, allow_null=True, help_text="A death alert's case."
    )
    visit = AlertVisitSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(
        choices=AckAction.choices, allow_null=True, read_only=True, source="action_or_none"
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "pregnancy",
            "milestone",
            "edd",
            "days_to_edd",
            "risk_band",
            "urgent",
            "status",
            "created_at",
            "sent_at",
            "acknowledged_at",
            "escalated",
            "mother",
            "facility",
            "kspr_score",
            "risk_factors",
            "visit",
            "late",
            "action",
            "note",
            "death",
            "death_step",
        ]
        read_only_fields = fields

    def get_days_to_edd(self, alert: Alert) -> int | None:
        if alert.edd is None:
            return None
        return (alert.edd - timezone.localdate()).days

    def get_escalated(self, alert: Alert) -> bool:
        return alert.escalated_at is not None


# The same choice set as Alert.risk_band: one RiskBandEnum in the schema, not a second
# "BandsEnum" (drf-spectacular warns on a choice set with two names).
@extend_schema_field(
    {
        "type": "array",
        "items": {"$ref": "#/components/schemas/RiskBandEnum"},
        "minItems": 1,
        "maxItems": 3,
    }
)
class BandsField(serializers.ListField):
    child = serializers.ChoiceField(choices=RiskBand.choices)


class AlertRuleSerializer(serializers.ModelSerializer):
    bands = BandsField(min_length=1, max_length=3)
    # Declared, so the model's unique offset must be declared again: without it a
    # second rule on the same day is an IntegrityError, a 500.
    offset_days = serializers.IntegerField(
        min_value=-280,
        max_value=28,
        validators=[UniqueValidator(queryset=AlertRule.objects.all())],
    )

    class Meta:
        model = AlertRule
        fields = ["id", "milestone", "offset_days", "bands", "urgent", "active"]

    def validate_milestone(self, value: str) -> str:
        if value == DANGER_SIGN_MILESTONE:
            raise serializers.ValidationError(
                _("This name belongs to the alerts urgent visits raise; choose another.")
            )
        # Sent alerts name their milestone, and "at most once, ever" is checked by that
        # name: a renamed rule would alert every mother it already alerted a second time.
        if self.instance is not None and value != self.instance.milestone:
            raise serializers.ValidationError(
                gettext_lazy("A milestone cannot be renamed; disable this rule and add a new one.")
            )
        return value

    def validate_bands(self, value: list[str]) -> list[str]:
        return sorted(set(value), key=RiskBand.values.index)


class ReferralInput(serializers.Serializer):
    to_facility = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ReferralKind.choices)


class AcknowledgeInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=AckAction.choices, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    referral = ReferralInput(required=False, allow_null=True)
