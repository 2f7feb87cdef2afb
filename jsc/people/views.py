from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView

from jsc.params import reject_unknown_or_blank
from jsc.people.login_guard import attempt_begin, attempt_not_failed
from jsc.people.models import AdminChange, District, Facility, User, Village
from jsc.people.permissions import IsAdminRole, ReadAnyWriteAdmin
from jsc.people.serializers import (
    AdminChangeSerializer,
    DistrictSerializer,
    FacilitySerializer,
    FacilityUpdateSerializer,
    MeSerializer,
    PasswordResetSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
    VillageSerializer,
)
from jsc.people.services import (
    facility_create,
    facility_update,
    user_create,
    user_password_reset,
    user_update,
)


class ThrottledTokenObtainPairView(TokenObtainPairView):
    """JWT login that answers 429 after repeated failures (see login_guard)."""

    throttle_classes: list = []

    def post(self, request, *args, **kwargs):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        slots = attempt_begin(request, username)
        if slots is None:
            raise Throttled(wait=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        failed = False
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            failed = True  # its slots stay counted
            raise
        finally:
            if not failed:  # a good login, or a malformed one, counts for nothing
                attempt_not_failed(slots)


class ThrottledLoginView(LoginView):
    """The web login form, guarded like the JWT login: 429 after repeated failures."""

    def post(self, request, *args, **kwargs):
        self.slots = attempt_begin(request, request.POST.get("username"))
        if self.slots is None:
            response = self.render_to_response(self.get_context_data(throttled=True))
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        attempt_not_failed(self.slots)
        return super().form_valid(form)


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer

    def get_object(self):
        return User.objects.select_related("facility__district").get(pk=self.request.user.pk)


class FacilityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Facility.objects.select_related("district")
    serializer_class = FacilitySerializer
    permission_classes = [ReadAnyWriteAdmin]
    filterset_fields = ["kind", "district__name", "active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=FacilitySerializer, responses={201: FacilitySerializer})
    def create(self, request, *args, **kwargs):
        body = FacilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        facility = facility_create(data=body.validated_data, by=request.user)
        return Response(FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FacilityUpdateSerializer, responses={200: FacilitySerializer})
    def partial_update(self, request, *args, **kwargs):
        facility = self.get_object()
        body = FacilityUpdateSerializer(facility, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        facility = facility_update(facility=facility, data=body.validated_data, by=request.user)
        return Response(FacilitySerializer(facility).data)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = User.objects.select_related("facility__district").order_by("username")
    serializer_class = UserSerializer
    permission_classes = [IsAdminRole]
    filterset_fields = ["role", "facility", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=UserCreateSerializer, responses={201: UserCreateSerializer})
    def create(self, request, *args, **kwargs):
        body = UserCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = user_create(data=body.validated_data, by=request.user)
        return Response(UserCreateSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a user's full name, phone, role, facility or active flag.",
        request=UserUpdateSerializer,
        responses={200: UserSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        body = UserUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        user = user_update(user=user, data=body.validated_data, by=request.user)
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Set a new password for a user (an admin's reset).",
        request=PasswordResetSerializer,
        responses={204: OpenApiResponse(description="The password is changed.")},
    )
    @action(detail=True, methods=["post"], url_path="password")
    def password(self, request, pk=None):
        user = self.get_object()
        body = PasswordResetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_password_reset(user=user, password=body.validated_data["password"], by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AdminChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The admins' own trail: every change to a facility or a user, newest first."""

    queryset = AdminChange.objects.all()
    serializer_class = AdminChangeSerializer
    permission_classes = [IsAdminRole]
    filterset_fields = ["target", "object_id", "by", "action"]


class DistrictListView(generics.ListAPIView):
    """The regency's districts (kecamatan) with their Kemendagri codes, by code."""

    serializer_class = DistrictSerializer
    filter_backends: list = []

    def get_queryset(self):
        reject_unknown_or_blank(self.request.query_params, ())
        return District.objects.order_by("code", "name")


class VillageListView(generics.ListAPIView):
    """The regency's villages (desa, kelurahan), by code; ``district`` by code or name."""

    serializer_class = VillageSerializer
    filter_backends: list = []
    extra_query_params = ("district",)  # read in get_queryset (jsc/pagination.py)

    @extend_schema(
        parameters=[
            OpenApiParameter("district", OpenApiTypes.STR, description="A district's code or name.")
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        reject_unknown_or_blank(params, ("district",))
        villages = Village.objects.select_related("district").order_by("code")
        if "district" in params:
            wanted = params["district"].strip()
            district = District.objects.filter(Q(code=wanted) | Q(name__iexact=wanted)).first()
            if district is None:
                raise ValidationError(
                    {"district": [_("No district of the regency has this code or name.")]}
                )
            villages = villages.filter(district=district)
        return villages
