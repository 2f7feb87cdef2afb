"""The health office's API: thin views over the selectors (docs/dashboard.md)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from jsc.dashboard import params as p
from jsc.dashboard.csv_export import CsvRenderer, high_risk_csv
from jsc.dashboard.permissions import DashboardAccess, sees_mothers
from jsc.dashboard.selectors.alerts import alert_response
from jsc.dashboard.selectors.deaths import dashboard_deaths
from jsc.dashboard.selectors.high_risk import (
    expected_deliveries,
    high_risk_queryset,
    high_risk_rows,
)
from jsc.dashboard.selectors.pws import pws_kia
from jsc.dashboard.selectors.summary import dashboard_summary
from jsc.dashboard.selectors.unmatched import unmatched_villages
from jsc.dashboard.serializers import (
    DeathsDashboardSerializer,
    HighRiskPageSerializer,
    HighRiskRowSerializer,
)
from jsc.dashboard.services import targets_answer, targets_save, year_checked
from jsc.dashboard.services_places import mother_villages_match
from jsc.pagination import Pagination
from jsc.params import reject_unknown_or_blank
from pregnancies.audit import audit_list


def _param(name: str, kind=OpenApiTypes.STR, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description)


YEAR = _param("year", OpenApiTypes.INT, "YYYY; this year when not given.")
MONTH = _param("month", OpenApiTypes.INT, "1-12.")
DISTRICT = _param("district", description="A district's Kemendagri code or name.")


class DashboardApi(APIView):
    permission_classes = [DashboardAccess]
    allowed: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A method the view does not take answers 405 whatever its query string.
        if hasattr(self, request.method.lower()):
            reject_unknown_or_blank(request.query_params, self.allowed)
        self.today = timezone.localdate()


class SummaryApi(DashboardApi):
    allowed = ("year",)

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        year = p.year_param(request.query_params, self.today)
        return Response(dashboard_summary(year=year, today=self.today))


class PwsKiaApi(DashboardApi):
    allowed = ("year", "month", "district")

    @extend_schema(parameters=[YEAR, MONTH, DISTRICT], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = request.query_params
        year = p.year_param(q, self.today)
        month = p.month_param(q, year=year, today=self.today, required=True)
        district = p.district_param(q)
        return Response(pws_kia(year=year, month=month, district=district))


class TargetsApi(DashboardApi):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, year):
        return Response(targets_answer(year_checked(year)))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def put(self, request, year):
        year = year_checked(year)
        targets_save(year=year, data=request.data, by=request.user)
        return Response(targets_answer(year))


class HighRiskApi(DashboardApi):
    allowed = ("due_within_days", "district", "facility")
    extra_query_params = allowed  # read by the paginator's check of unknown parameters
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            _param("due_within_days", OpenApiTypes.INT, "0-308; 14 when not given."),
            DISTRICT,
            _param("facility", description="A facility's id or code."),
            _param("format", description="csv for a CSV file (the whole list, not a page)."),
            _param("page", OpenApiTypes.INT, "1, 2, ..."),
            _param("page_size", OpenApiTypes.INT, "1-500; 50 when not given."),
        ],
        responses={
            (200, "application/json"): HighRiskPageSerializer,
            (200, "text/csv"): str,
        },
    )
    def get(self, request):
        q = request.query_params
        pregnancies = high_risk_queryset(
            today=self.today,
            due_within_days=p.due_within_param(q),
            district=p.district_param(q),
            facility=p.facility_param(q),
        )
        shown = sees_mothers(request.user)
        if request.accepted_renderer.format == "csv":
            # The file holds the whole list; the JSON answer one page of it.
            rows = high_risk_rows(pregnancies, today=self.today, mothers_shown=shown)
        else:
            paginator = Pagination()
            page = paginator.paginate_queryset(pregnancies, request, view=self)
            rows = high_risk_rows(page, today=self.today, mothers_shown=shown)
        # One audit row per pregnancy listed, in one INSERT (names and phones, for the
        # health office).
        audit_list(user=request.user, pregnancy_ids=[r["pregnancy"] for r in rows])
        if request.accepted_renderer.format == "csv":
            return Response(
                high_risk_csv(rows),
                headers={
                    "Content-Disposition": f'attachment; filename="high-risk-{self.today}.csv"'
                },
            )
        return paginator.get_paginated_response(HighRiskRowSerializer(rows, many=True).data)


class AlertResponseApi(DashboardApi):
    allowed = ("year", "month")

    @extend_schema(parameters=[YEAR, MONTH], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = request.query_params
        year = p.year_param(q, self.today)
        month = p.month_param(q, year=year, today=self.today)
        return Response(alert_response(year=year, month=month))


class DeathsApi(DashboardApi):
    """Maternal and perinatal deaths of a year, MMR with its denominator, the AMP-SR
    steps' progress and the missing zero reports (docs/dashboard.md, "Deaths")."""

    allowed = ("year",)

    @extend_schema(parameters=[YEAR], responses=DeathsDashboardSerializer)
    def get(self, request):
        year = p.year_param(request.query_params, self.today)
        data = dashboard_deaths(year=year, today=self.today, now=timezone.now())
        return Response(DeathsDashboardSerializer(data).data)


class ExpectedDeliveriesApi(DashboardApi):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(expected_deliveries(today=self.today))


class UnmatchedVillagesApi(DashboardApi):
    """Mothers' village texts not matched to the regency's villages; POST matches one:
    ``{"text": "<as typed>", "village": "<code or name>"}`` -> ``{"matched": n}``."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"results": unmatched_villages(), "next": None})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        matched = mother_villages_match(text=data.get("text"), village=data.get("village"))
        return Response({"matched": matched})
