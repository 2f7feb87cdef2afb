"""The answers of the SATUSEHAT endpoints, typed so the OpenAPI schema says what comes
back (docs/satusehat.md, "Status for people")."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jsc.people.serializers import FacilityRefSerializer
from satusehat.messages import PAUSE_WORDS, row_problem
from satusehat.models import OutboxRow, PauseReason, ResourceType, RowState, WaitingFor


class PauseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    told_at = serializers.DateTimeField(allow_null=True)
    message = serializers.SerializerMethodField()

    def get_message(self, pause) -> str:
        return str(PAUSE_WORDS[pause.reason])


class FacilityStatusSerializer(serializers.Serializer):
    facility = FacilityRefSerializer()
    pending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    waiting = serializers.IntegerField()
    oldest_pending_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.SerializerMethodField()
    last_error_at = serializers.DateTimeField(allow_null=True)
    waiting_reasons = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Waiting rows by what they wait for: "
        + ", ".join(v for v in WaitingFor.values if v),
    )
    missing_ids = serializers.ListField(
        child=serializers.CharField(),
        help_text="The facility's SATUSEHAT ids an admin has not set yet.",
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_last_error(self, entry) -> str | None:
        return row_problem(entry["problem"])


class StatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    environment = serializers.CharField(allow_null=True)
    paused = PauseSerializer(allow_null=True)
    by_facility = FacilityStatusSerializer(many=True)


class OutboxRowSerializer(serializers.ModelSerializer):
    resource_type = serializers.ChoiceField(choices=ResourceType.choices)
    state = serializers.ChoiceField(choices=RowState.choices)
    local = serializers.CharField(
        help_text="The facility's identifier value on the resource: search SATUSEHAT for it."
    )
    last_error = serializers.SerializerMethodField()

    class Meta:
        model = OutboxRow
        fields = [
            "resource_type",
            "local",
            "item",
            "state",
            "waiting_for",
            "satusehat_id",
            "last_error",
            "sent_at",
            "next_attempt_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_last_error(self, row) -> str | None:
        return row_problem(row)


class MotherBriefSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    village = serializers.CharField()


class PatientNotFoundSerializer(serializers.Serializer):
    pregnancy = serializers.UUIDField(source="pregnancy_id")
    mother = MotherBriefSerializer(source="mother_record", allow_null=True)
    facility = serializers.UUIDField(source="facility_id")
    looked_up_at = serializers.DateTimeField(source="updated_at")
    next_lookup_at = serializers.DateTimeField(source="next_attempt_at")
