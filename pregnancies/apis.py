"""The registry's HTTP API: thin views that validate, call a service, and answer.

Every read and write of a pregnancy is audited (pregnancies.audit). "Today" is
Jember's date (``timezone.localdate()``, TIME_ZONE Asia/Jakarta), passed down.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from jsc.people.permissions import IsAdminRole
from pregnancies.audit import Action, Target, audit_list, audit_record
from pregnancies.filters import AuditEntryFilter, PregnancyFilter
from pregnancies.models import AuditEntry, Outcome, Pregnancy, Referral, RiskChange
from pregnancies.permissions import PregnancyAccess
from pregnancies.reference import reference_data
from pregnancies.selectors import pregnancies_for_display, pregnancies_visible_to, visits_numbered
from pregnancies.serializers import (
    AuditEntrySerializer,
    ConflictSerializer,
    OutcomeInput,
    OutcomeSerializer,
    PregnancyCreateInput,
    PregnancyPatchInput,
    PregnancySerializer,
    ReferenceSerializer,
    ReferralSerializer,
    RiskChangeSerializer,
    VisitInput,
    VisitSerializer,
)
from pregnancies.services import (
    outcome_record,
    outcome_update,
    pregnancy_register,
    pregnancy_update,
    visit_record,
)

NOT_FOUND = OpenApiResponse(description="Not found, or outside the caller's reach.")
FORBIDDEN = OpenApiResponse(
    description="The caller's role may not do this (e.g. health office writes)."
)
TOO_LARGE = OpenApiResponse(description="The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")
CONFLICT = OpenApiResponse(ConflictSerializer, description="Id reused with other content.")
PREGNANCY_ID = OpenApiParameter("pregnancy_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class PregnancyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PregnancySerializer
    permission_classes = [PregnancyAccess]
    filterset_class = PregnancyFilter
    queryset = Pregnancy.objects.none()  # always scoped in get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pregnancy.objects.none()
        return pregnancies_for_display(self.request.user).order_by("edd", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _answer(self, pregnancy_id, status_code=status.HTTP_200_OK) -> Response:
        pregnancy = self.get_queryset().get(pk=pregnancy_id)
        return Response(self.get_serializer(pregnancy).data, status=status_code)

    @extend_schema(summary="Pregnancies in reach, ordered by EDD; every one shown is audited.")
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_list(user=request.user, pregnancy_ids=[p.pk for p in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Register a pregnancy (idempotent on a client-made id).",
        request=PregnancyCreateInput,
        responses={
            201: PregnancySerializer,
            200: OpenApiResponse(PregnancySerializer, description="A retry: nothing new."),
            403: FORBIDDEN,
            409: OpenApiResponse(
                ConflictSerializer,
                description="The id was used for other content, or the mother already has "
                "an active pregnancy (its id in `pregnancy`).",
            ),
            413: TOO_LARGE,
        },
    )
    def create(self, request, *args, **kwargs):
        body = PregnancyCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        pregnancy, created = pregnancy_register(
            data=body.validated_data, by=request.user, today=timezone.localdate()
        )
        if not created:
            audit_record(user=request.user, action=Action.READ, pregnancy_id=pregnancy.pk)
            return self._answer(pregnancy.pk)
        # Just written in this request, with its mother, her person and village at hand:
        # answered as stored, without reading it back (a new pregnancy has no outcome).
        return Response(self.get_serializer(pregnancy).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: PregnancySerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        pregnancy = self.get_object()
        audit_record(user=request.user, action=Action.READ, pregnancy_id=pregnancy.pk)
        return Response(self.get_serializer(pregnancy).data)

    @extend_schema(
        summary="Correct a pregnancy; EDD, KSPR score and band are recomputed.",
        request=PregnancyPatchInput,
        responses={200: PregnancySerializer, 403: FORBIDDEN, 404: NOT_FOUND, 413: TOO_LARGE},
    )
    def partial_update(self, request, *args, **kwargs):
        pregnancy = self.get_object()
        body = PregnancyPatchInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        pregnancy_update(
            pregnancy=pregnancy,
            data=body.validated_data,
            by=request.user,
            today=timezone.localdate(),
        )
        return self._answer(pregnancy.pk)


class _PregnancyChildView(generics.GenericAPIView):
    """Routes under one pregnancy: 404 outside the caller's reach, 403 for a reader's write."""

    permission_classes = [PregnancyAccess]
    detail = True
    # Only for the schema generator: the views read through the scoped selectors.
    queryset = Pregnancy.objects.none()

    def pregnancy(self) -> Pregnancy:
        pregnancy = generics.get_object_or_404(
            pregnancies_visible_to(self.request.user), pk=self.kwargs["pregnancy_id"]
        )
        self.check_object_permissions(self.request, pregnancy)
        return pregnancy


@extend_schema(parameters=[PREGNANCY_ID])
class VisitsView(_PregnancyChildView):
    """ANC visits of one pregnancy, numbered K1, K2, ... in date order."""

    serializer_class = VisitSerializer

    def _numbered(self, pregnancy: Pregnancy, visit_id):
        visit = next(v for v in visits_numbered(pregnancy.pk) if v.pk == visit_id)
        return VisitSerializer(visit, context={"pregnancy": pregnancy}).data

    @extend_schema(
        summary="The pregnancy's ANC visits, oldest first (K1, K2, ...).",
        responses={200: VisitSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        page = self.paginate_queryset(visits_numbered(pregnancy.pk))
        audit_record(
            user=request.user, action=Action.READ, target=Target.VISIT, pregnancy_id=pregnancy.pk
        )
        data = VisitSerializer(page, many=True, context={"pregnancy": pregnancy}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Record an ANC visit (idempotent on a client-made id).",
        request=VisitInput,
        responses={
            201: VisitSerializer,
            200: OpenApiResponse(VisitSerializer, description="A retry: nothing new."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            413: TOO_LARGE,
        },
    )
    def post(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        body = VisitInput(data=request.data)
        body.is_valid(raise_exception=True)
        visit, created = visit_record(
            pregnancy=pregnancy,
            data=body.validated_data,
            by=request.user,
            today=timezone.localdate(),
        )
        if not created:
            audit_record(
                user=request.user,
                action=Action.READ,
                target=Target.VISIT,
                pregnancy_id=pregnancy.pk,
                object_id=visit.pk,
            )
        return Response(
            self._numbered(pregnancy, visit.pk),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(parameters=[PREGNANCY_ID])
class OutcomeView(_PregnancyChildView):
    """How the pregnancy ended; recording it closes the pregnancy."""

    serializer_class = OutcomeSerializer

    def _outcome(self, pregnancy: Pregnancy) -> Outcome:
        return generics.get_object_or_404(
            Outcome.objects.select_related("pregnancy"), pregnancy=pregnancy
        )

    @extend_schema(responses={200: OutcomeSerializer, 404: NOT_FOUND})
    def get(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        outcome = self._outcome(pregnancy)
        audit_record(
            user=request.user, action=Action.READ, target=Target.OUTCOME, pregnancy_id=pregnancy.pk
        )
        return Response(OutcomeSerializer(outcome).data)

    @extend_schema(
        summary="Record the outcome: the pregnancy closes and its pending alerts are cancelled.",
        request=OutcomeInput,
        responses={201: OutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 413: TOO_LARGE},
    )
    def post(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        body = OutcomeInput(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = outcome_record(
            pregnancy=pregnancy,
            data=body.validated_data,
            by=request.user,
            today=timezone.localdate(),
        )
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct the outcome, e.g. a maternal death reported later.",
        request=OutcomeInput(partial=True),
        responses={200: OutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 413: TOO_LARGE},
    )
    def patch(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        self._outcome(pregnancy)  # 404 before there is one
        body = OutcomeInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        outcome = outcome_update(
            pregnancy=pregnancy,
            data=body.validated_data,
            by=request.user,
            today=timezone.localdate(),
        )
        return Response(OutcomeSerializer(outcome).data)


@extend_schema(parameters=[PREGNANCY_ID])
class RiskHistoryView(_PregnancyChildView):
    """Every change of the pregnancy's KSPR factors, oldest first, with its source."""

    serializer_class = RiskChangeSerializer

    @extend_schema(
        summary="The pregnancy's risk history, oldest first.",
        responses={200: RiskChangeSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        page = self.paginate_queryset(
            RiskChange.objects.filter(pregnancy=pregnancy).order_by("at", "id")
        )
        audit_record(user=request.user, action=Action.READ, pregnancy_id=pregnancy.pk)
        return self.get_paginated_response(RiskChangeSerializer(page, many=True).data)


@extend_schema(parameters=[PREGNANCY_ID])
class ReferralsView(_PregnancyChildView):
    """The pregnancy's referrals, oldest first (made by acknowledging an alert)."""

    serializer_class = ReferralSerializer

    @extend_schema(
        summary="The pregnancy's referrals, oldest first.",
        responses={200: ReferralSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pregnancy_id):
        pregnancy = self.pregnancy()
        page = self.paginate_queryset(
            Referral.objects.filter(pregnancy=pregnancy).order_by("at", "id")
        )
        audit_record(user=request.user, action=Action.READ, pregnancy_id=pregnancy.pk)
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)


class ReferenceView(generics.GenericAPIView):
    """Pick-list codes with labels in Bahasa Indonesia and English, for any signed-in user."""

    serializer_class = ReferenceSerializer
    pagination_class = None

    @extend_schema(summary="Reference codes: risk factors, danger signs, outcome kinds, ...")
    def get(self, request):
        return Response(ReferenceSerializer(reference_data()).data)


class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail, newest first: admins only (ids, never clinical content)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [IsAdminRole]
    filterset_class = AuditEntryFilter
    queryset = AuditEntry.objects.select_related("user").order_by("-at", "-id")
