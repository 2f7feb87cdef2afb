"""The health office's view of one mother across facilities (docs/mothers.md).

A midwife or doctor sees a mother only as her own facility recorded her (or as a
referred pregnancy carries her); the health office sees every facility's record of
her side by side, with the fields where they disagree, to resolve with the facilities.
Every read is audited.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission

from jsc.filters import StrictFilterSet
from jsc.people.models import Role
from pregnancies.audit import Action, Target, audit_record
from pregnancies.models import AuditEntry, Mother, Person, Pregnancy
from pregnancies.rules.nik import normalize_nik
from pregnancies.selectors import RECORD_FIELDS, people_with_conflicts, record_conflicts


class IsHealthOffice(BasePermission):
    message = gettext_lazy("Only the health office sees a mother across facilities.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.effective_role == Role.HEALTH_OFFICE)


class PersonFilter(StrictFilterSet):
    nik = filters.CharFilter(method="filter_nik", max_length=32, label="The whole NIK")
    conflicts = filters.BooleanFilter(method="filter_conflicts", label="Only records that differ")

    class Meta:
        model = Person
        fields = ["nik", "conflicts"]

    def filter_nik(self, queryset, name, value):
        return queryset.filter(nik=normalize_nik(value))

    def filter_conflicts(self, queryset, name, value):
        return queryset.filter(conflicting__gt=0) if value else queryset.filter(conflicting=0)


class RecordSerializer(serializers.ModelSerializer):
    facility = serializers.SerializerMethodField()
    recorded_by = serializers.UUIDField(source="recorded_by_id", read_only=True, allow_null=True)
    pregnancies = serializers.SerializerMethodField()

    class Meta:
        model = Mother
        fields = ["id", "facility", *RECORD_FIELDS, "recorded_by", "created_at", "updated_at"]
        fields.append("pregnancies")
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    )
    def get_facility(self, record) -> dict:
        return {"id": str(record.facility_id), "name": record.facility.name}

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "status": {"type": "string"},
                    "edd": {"type": "string", "format": "date"},
                },
            },
        }
    )
    def get_pregnancies(self, record) -> list[dict]:
        return [
            {"id": str(p.pk), "status": p.status, "edd": p.edd.isoformat()}
            for p in record.pregnancies.all()
        ]


class PersonSummarySerializer(serializers.ModelSerializer):
    records = serializers.IntegerField(source="facilities", read_only=True)
    conflicting_fields = serializers.IntegerField(source="conflicting", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "nik", "records", "conflicting_fields", "created_at"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    records = RecordSerializer(many=True, read_only=True)
    conflicts = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "nik", "records", "conflicts", "created_at"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "facility": {"type": "string", "format": "uuid"},
                        "record": {"type": "string", "format": "uuid"},
                    },
                },
            },
        }
    )
    def get_conflicts(self, person) -> dict[str, list[dict]]:
        return {
            field: [{**v, "value": str(v["value"])} for v in values]
            for field, values in record_conflicts(person.records.all()).items()
        }


@extend_schema(tags=["mothers"])
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mothers as persons, each with every facility's record of her (health office)."""

    permission_classes = [IsHealthOffice]
    filterset_class = PersonFilter
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        records = Mother.objects.select_related("facility").order_by("created_at", "id")
        return people_with_conflicts().prefetch_related(
            Prefetch(
                "records",
                queryset=records.prefetch_related(
                    Prefetch("pregnancies", queryset=Pregnancy.objects.order_by("edd", "id"))
                ),
            )
        )

    def get_serializer_class(self):
        return PersonSummarySerializer if self.action == "list" else PersonSerializer

    @extend_schema(summary="Mothers known to more than one facility first; each read audited.")
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        AuditEntry.objects.bulk_create(
            AuditEntry(user=request.user, action=Action.LIST, target=Target.PERSON, object_id=p.pk)
            for p in page
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: PersonSerializer, 404: OpenApiResponse(description="None.")})
    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        audit_record(
            user=request.user, action=Action.READ, target=Target.PERSON, object_id=person.pk
        )
        return super().retrieve(request, *args, **kwargs)
