"""The SATUSEHAT endpoints: the outbox's state for people, never a call to SATUSEHAT."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from jsc.dashboard.permissions import can_see_dashboard
from jsc.params import reject_unknown_or_blank
from pregnancies.apis import NOT_FOUND, PREGNANCY_ID
from pregnancies.audit import Action, audit_list, audit_record
from pregnancies.models import Pregnancy
from pregnancies.permissions import PregnancyAccess
from pregnancies.selectors import READER_ROLES, pregnancies_visible_to
from satusehat.selectors import outbox_rows_of, outbox_status, patients_not_found_for
from satusehat.serializers import (
    OutboxRowSerializer,
    PatientNotFoundSerializer,
    StatusSerializer,
)


class StatusAccess(BasePermission):
    message = _("Only the health office and admins may see the SATUSEHAT status.")

    def has_permission(self, request, view) -> bool:
        return can_see_dashboard(request.user)


class RegistryReaders(BasePermission):
    message = _(
        "Admins see no mother's record: this list is for midwives, doctors and the health office."
    )

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.effective_role in READER_ROLES)


class StatusView(generics.GenericAPIView):
    """Per facility: rows by state, the oldest pending, the latest problem in words."""

    serializer_class = StatusSerializer
    permission_classes = [StatusAccess]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(summary="What has reached SATUSEHAT, per facility, and what waits and why.")
    def get(self, request):
        reject_unknown_or_blank(request.query_params, ())
        return Response(StatusSerializer(outbox_status()).data)


@extend_schema(parameters=[PREGNANCY_ID])
class PregnancyRowsView(generics.GenericAPIView):
    """One pregnancy's resources owed to SATUSEHAT, in the order they are sent."""

    serializer_class = OutboxRowSerializer
    permission_classes = [PregnancyAccess]
    pagination_class = None
    filter_backends: list = []
    detail = True
    queryset = Pregnancy.objects.none()  # only for the schema generator

    @extend_schema(
        summary="The pregnancy's SATUSEHAT resources and their state.",
        responses={200: OutboxRowSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pregnancy_id):
        reject_unknown_or_blank(request.query_params, ())
        pregnancy = generics.get_object_or_404(
            pregnancies_visible_to(request.user), pk=pregnancy_id
        )
        audit_record(user=request.user, action=Action.READ, pregnancy_id=pregnancy.pk)
        return Response(OutboxRowSerializer(outbox_rows_of(pregnancy.pk), many=True).data)


class PatientsNotFoundView(generics.ListAPIView):
    """Mothers SATUSEHAT's patient index does not know yet: the caller's facility's (the
    whole regency for the health office), so someone can check the NIK with her."""

    serializer_class = PatientNotFoundSerializer
    permission_classes = [RegistryReaders]
    filter_backends: list = []
    queryset = Pregnancy.objects.none()  # only for the schema generator

    def get_queryset(self):
        return patients_not_found_for(self.request.user)

    @extend_schema(
        summary="Mothers not in SATUSEHAT's patient index yet (looked up again daily).",
        responses={200: PatientNotFoundSerializer(many=True), 403: OpenApiResponse()},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        ids = [row.pregnancy_id for row in page]
        # The pregnancy's facility's record of the mother: the name the midwife knows.
        mothers = {
            p.pk: p.mother for p in Pregnancy.objects.filter(pk__in=ids).select_related("mother")
        }
        audit_list(user=request.user, pregnancy_ids=ids)
        for row in page:
            row.mother_record = mothers.get(row.pregnancy_id)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
