"""The deaths API (AMP-SR): thin views that validate, call a service and answer.

Reach is the scoped queryset (deaths.selectors.deaths_visible_to): a case outside it
answers 404 whatever the action. Inside it, each step says who may take it, and anyone
else gets 403 (docs/deaths.md, "The steps"). Every read of a named case is audited.
"""

from __future__ import annotations

from datetime import date

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from deaths.anonymise import review_file
from deaths.models import CaseStatus, DeathCase, DeathKind, Recommendation
from deaths.selectors import deaths_visible_to, recommendations_open
from deaths.serializers import (
    DeathCaseSerializer,
    DeathConflictSerializer,
    DeathNotifyInput,
    FacilitySummaryInput,
    RecommendationDoneInput,
    RecommendationSerializer,
    ReviewFileSerializer,
    ReviewInput,
    ScreeningInput,
    VerbalAutopsyInput,
    ZeroReportInput,
    ZeroReportSerializer,
)
from deaths.services import (
    death_notify,
    facility_summary_update,
    recommendation_complete,
    review_record,
    screening_record,
    verbal_autopsy_record,
    zero_report_record,
)
from jsc.filters import StrictFilterSet
from jsc.params import reject_unknown_or_blank
from jsc.people.models import District, Role
from pregnancies.audit import Action, Target, audit_record
from pregnancies.selectors import CLINICAL_ROLES, READER_ROLES, pregnancies_visible_to

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
NOT_FOUND = OpenApiResponse(description="Not found, or outside the caller's reach.")
FORBIDDEN = OpenApiResponse(description="The caller's role may not take this step.")
CONFLICT = OpenApiResponse(DeathConflictSerializer, description="Out of order, or already done.")
OFFICE_ONLY = gettext_lazy("Only the health office takes this step.")


class DeathAccess(BasePermission):
    """Notifying: midwives and doctors. Lists: the health office and clinical staff (their
    facility's cases). Object routes: reach by the queryset (404), roles per step."""

    message = gettext_lazy("Only midwives and doctors notify a death.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        role = user.effective_role
        if getattr(view, "action", None) == "create" or view.__class__ is ZeroReportView:
            return role in CLINICAL_ROLES
        if getattr(view, "detail", False):
            return True
        if view.__class__ is RecommendationsView:
            self.message = OFFICE_ONLY
            return role == Role.HEALTH_OFFICE
        self.message = gettext_lazy(
            "Admins see no death case: cases are read by the health office and the "
            "notifying facility."
        )
        return role in READER_ROLES


def _only(user, *roles: str) -> None:
    if user.effective_role not in roles:
        raise PermissionDenied(OFFICE_ONLY if roles == (Role.HEALTH_OFFICE,) else None)


class DeathFilter(StrictFilterSet):
    year = filters.NumberFilter(method="filter_year", label="Year of death (YYYY).")
    kind = filters.ChoiceFilter(choices=DeathKind.choices)
    status = filters.ChoiceFilter(choices=CaseStatus.choices)
    district = filters.CharFilter(method="filter_district", label="A district's code or name.")

    class Meta:
        model = DeathCase
        fields = ["year", "kind", "status", "district"]

    def filter_year(self, queryset, name, value):
        if value != int(value) or not 1900 <= value <= 2100:
            raise ValidationError({"year": [_("Give a year from 1900 to 2100.")]})
        return queryset.filter(died_on__year=int(value))

    def filter_district(self, queryset, name, value):
        found = District.objects.filter(Q(code=value) | Q(name__iexact=value)).first()
        if found is None:
            raise ValidationError(
                {"district": [_("No district of the regency has this code or name.")]}
            )
        return queryset.filter(district=found)


RID = OpenApiParameter("rid", OpenApiTypes.UUID, OpenApiParameter.PATH)


class DeathViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DeathCaseSerializer
    permission_classes = [DeathAccess]
    filterset_class = DeathFilter
    lookup_value_regex = UUID_PATTERN
    queryset = DeathCase.objects.none()  # always scoped in get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DeathCase.objects.none()
        return (
            deaths_visible_to(self.request.user)
            .select_related(
                "person",
                "village_place",
                "district",
                "screening",
                "verbal_autopsy",
                "facility_summary",
                "review",
            )
            .prefetch_related("deadlines", "recommendations")
            .order_by("-died_at", "-id")
        )

    def _context(self, cases) -> dict:
        user = self.request.user
        shown = None
        if user.effective_role != Role.HEALTH_OFFICE:
            ids = {c.pregnancy_id for c in cases if c.pregnancy_id}
            shown = set(
                pregnancies_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
            )
        return {"request": self.request, "now": timezone.now(), "pregnancies_shown": shown}

    def _answer(self, case_id, code=status.HTTP_200_OK) -> Response:
        case = self.get_queryset().get(pk=case_id)
        audit_record(
            user=self.request.user,
            action=Action.READ,
            target=Target.DEATH,
            pregnancy_id=case.pregnancy_id,
            object_id=case.pk,
        )
        return Response(DeathCaseSerializer(case, context=self._context([case])).data, status=code)

    def _case(self) -> DeathCase:
        reject_unknown_or_blank(self.request.query_params, ())
        return self.get_object()

    @extend_schema(summary="Death cases in reach, newest death first; each shown is audited.")
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        for case in page:
            audit_record(
                user=request.user,
                action=Action.LIST,
                target=Target.DEATH,
                pregnancy_id=case.pregnancy_id,
                object_id=case.pk,
            )
        data = DeathCaseSerializer(page, many=True, context=self._context(page)).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Notify a death (idempotent on a client-made id).",
        request=DeathNotifyInput,
        responses={
            201: DeathCaseSerializer,
            200: OpenApiResponse(DeathCaseSerializer, description="A retry: nothing new."),
            403: FORBIDDEN,
            409: OpenApiResponse(
                DeathConflictSerializer,
                description="The same woman and day of death were already notified (the "
                "notifying facility in `facility`), or the id was used for another one.",
            ),
        },
    )
    def create(self, request):
        body = DeathNotifyInput(data=request.data)
        body.is_valid(raise_exception=True)
        case, created = death_notify(data=body.validated_data, by=request.user, now=timezone.now())
        return self._answer(case.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={200: DeathCaseSerializer, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return self._answer(self._case().pk)

    @extend_schema(
        summary="MAMA-IN screening: is_maternal false closes the case as not maternal.",
        request=ScreeningInput,
        responses={200: DeathCaseSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def screening(self, request, pk=None):
        case = self._case()
        _only(request.user, Role.HEALTH_OFFICE)
        body = ScreeningInput(data=request.data)
        body.is_valid(raise_exception=True)
        screening_record(case=case, data=body.validated_data, by=request.user, now=timezone.now())
        return self._answer(case.pk)

    @extend_schema(
        summary="The verbal autopsy (OVM/OVP): the health office or a midwife of the "
        "notifying facility.",
        request=VerbalAutopsyInput,
        responses={200: DeathCaseSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="verbal-autopsy")
    def verbal_autopsy(self, request, pk=None):
        case = self._case()
        if request.user.effective_role not in (Role.HEALTH_OFFICE, Role.MIDWIFE):
            raise PermissionDenied(
                _("The health office or a midwife of the notifying facility records it.")
            )
        body = VerbalAutopsyInput(data=request.data)
        body.is_valid(raise_exception=True)
        verbal_autopsy_record(
            case=case, data=body.validated_data, by=request.user, now=timezone.now()
        )
        return self._answer(case.pk)

    @extend_schema(
        summary="Correct the facility summary (RMM/RMP), or read it again from the record.",
        request=FacilitySummaryInput,
        responses={200: DeathCaseSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["patch"], url_path="facility-summary")
    def facility_summary(self, request, pk=None):
        case = self._case()
        body = FacilitySummaryInput(data=request.data)
        body.is_valid(raise_exception=True)
        facility_summary_update(
            case=case, data=body.validated_data, by=request.user, now=timezone.now()
        )
        return self._answer(case.pk)

    @extend_schema(
        summary="The district review with its recommendations (after the verbal autopsy).",
        request=ReviewInput,
        responses={200: DeathCaseSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        case = self._case()
        _only(request.user, Role.HEALTH_OFFICE)
        body = ReviewInput(data=request.data)
        body.is_valid(raise_exception=True)
        review_record(case=case, data=body.validated_data, by=request.user, now=timezone.now())
        return self._answer(case.pk)

    @extend_schema(
        summary="Mark a recommendation done, with a note.",
        parameters=[RID],
        request=RecommendationDoneInput,
        responses={200: RecommendationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=rf"recommendations/(?P<rid>{UUID_PATTERN})",
        url_name="recommendation",
    )
    def recommendation(self, request, pk=None, rid=None):
        case = self._case()
        _only(request.user, Role.HEALTH_OFFICE)
        recommendation = generics.get_object_or_404(Recommendation, pk=rid, case=case)
        body = RecommendationDoneInput(data=request.data)
        body.is_valid(raise_exception=True)
        recommendation = recommendation_complete(
            recommendation=recommendation,
            note=body.validated_data.get("note") or "",
            by=request.user,
            now=timezone.now(),
        )
        return Response(RecommendationSerializer(recommendation).data)

    @extend_schema(
        summary="The anonymised file the review panel reads: no name, NIK, phone, address "
        "or staff name anywhere in it.",
        responses={200: ReviewFileSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="review-file")
    def review_file(self, request, pk=None):
        case = self._case()
        _only(request.user, Role.HEALTH_OFFICE)
        audit_record(
            user=request.user,
            action=Action.READ,
            target=Target.DEATH,
            pregnancy_id=case.pregnancy_id,
            object_id=case.pk,
        )
        return Response(ReviewFileSerializer(review_file(case)).data)


class RecommendationFilter(StrictFilterSet):
    overdue = filters.BooleanFilter(
        method="filter_overdue", label="true: only those past their due date."
    )

    class Meta:
        model = Recommendation
        fields = ["overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(due__lt=today) if value else queryset.exclude(due__lt=today)


class RecommendationsView(generics.ListAPIView):
    """Open recommendations of every case, soonest due first (the health office)."""

    serializer_class = RecommendationSerializer
    permission_classes = [DeathAccess]
    filterset_class = RecommendationFilter
    queryset = Recommendation.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        return recommendations_open()


class ZeroReportView(generics.GenericAPIView):
    """Monthly zero reporting: the caller's facility had no death in the month."""

    serializer_class = ZeroReportSerializer
    permission_classes = [DeathAccess]

    @extend_schema(
        summary="Report a month without deaths for the caller's facility.",
        request=ZeroReportInput,
        responses={
            201: ZeroReportSerializer,
            200: OpenApiResponse(ZeroReportSerializer, description="Already reported."),
            403: FORBIDDEN,
            409: OpenApiResponse(
                DeathConflictSerializer, description="The facility notified a death that month."
            ),
        },
    )
    def post(self, request):
        body = ZeroReportInput(data=request.data)
        body.is_valid(raise_exception=True)
        year, month = map(int, body.validated_data["month"].split("-"))
        if year < 2000:
            raise ValidationError({"month": [_("Give a month from the year 2000 on.")]})
        now = timezone.now()
        report, created = zero_report_record(
            month=date(year, month, 1), by=request.user, now=now, today=timezone.localdate(now)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ZeroReportSerializer(report).data, status=code)
