from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jsc.filters import StrictFilterSet
from jsc.people.models import Role
from jsc.people.permissions import IsAdminRole
from notifications.devices import register_device, unregister_device
from notifications.models import TOKEN_PATTERN, Alert, AlertRule, AlertStatus, Device
from notifications.serializers import (
    AcknowledgeInput,
    AlertRuleSerializer,
    AlertSerializer,
    DeviceSerializer,
)
from notifications.services import alert_acknowledge
from pregnancies.audit import Action, audit_list, audit_record
from pregnancies.selectors import pregnancies_visible_to


class DeviceViewSet(viewsets.GenericViewSet):
    """The caller's phones: registering a token, signing one out."""

    serializer_class = DeviceSerializer
    lookup_field = "token"
    # FCM tokens hold ':', '-', '_' and may hold '.', which DRF's default pattern refuses;
    # anything else (a NUL byte, say) is no token and answers 404 at the router.
    lookup_value_regex = TOKEN_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        return Device.objects.filter(user=self.request.user)

    @extend_schema(
        summary="Register a device token",
        description="201 for a new token, 200 for a known one (it moves to the caller).",
        responses={200: DeviceSerializer, 201: DeviceSerializer},
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device, created = register_device(user=request.user, **serializer.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(device).data, status=code)

    @extend_schema(
        summary="Sign a device out",
        description="No more pushes to this token until it is registered again.",
        parameters=[
            OpenApiParameter(
                "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The FCM token."
            )
        ],
        responses={204: None},
    )
    def destroy(self, request, token=None):
        unregister_device(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertFilter(StrictFilterSet):
    acknowledged = filters.BooleanFilter(
        field_name="acknowledged_at",
        lookup_expr="isnull",
        exclude=True,
        label="true: only acknowledged alerts; false: only those still waiting.",
    )

    class Meta:
        model = Alert
        fields = ["acknowledged", "milestone", "status"]


@extend_schema_view(list=extend_schema(summary="The caller's inbox, newest first"))
class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's inbox: every alert raised for them, newest first."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        user = self.request.user
        # Entries name the mother: only pregnancies still in the caller's reach (a
        # doctor who moved facility no longer reads the old one's mothers). A death
        # alert names nobody, and is for the health office (docs/deaths.md).
        reach = Q(pregnancy__in=pregnancies_visible_to(user).values("pk"))
        if user.effective_role == Role.HEALTH_OFFICE:
            reach |= Q(death__isnull=False)
        return (
            Alert.objects.filter(reach, recipient=user)
            .exclude(status=AlertStatus.CANCELLED)
            .select_related("pregnancy__mother", "pregnancy__facility", "visit")
            .order_by("-created_at", "-id")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # The entries name the mother: a read of her record, audited like any other.
        audit_list(
            user=request.user,
            pregnancy_ids=list(dict.fromkeys(a.pregnancy_id for a in page if a.pregnancy_id)),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Acknowledge an alert, saying what was done",
        description="Sets acknowledged_at and the action; `referred` records the referral "
        "on the pregnancy. Acknowledging again changes nothing.",
        request=AcknowledgeInput,
        responses={200: AlertSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        # DRF's get_object_or_404 answers 404 for an id that is no UUID too, where
        # Django's would raise a ValidationError (a 400 here).
        alert = get_object_or_404(self.get_queryset(), pk=pk)
        body = AcknowledgeInput(data=request.data or {})
        body.is_valid(raise_exception=True)
        alert_acknowledge(
            alert=alert,
            by=request.user,
            now=timezone.now(),
            today=timezone.localdate(),
            **body.validated_data,
        )
        alert = self.get_queryset().get(pk=alert.pk)
        if alert.pregnancy_id is not None:
            audit_record(user=request.user, action=Action.READ, pregnancy_id=alert.pregnancy_id)
        return Response(self.get_serializer(alert).data)


class AlertRuleViewSet(viewsets.ModelViewSet):
    queryset = AlertRule.objects.all()
    serializer_class = AlertRuleSerializer
    permission_classes = [IsAdminRole]
    # No DELETE: alerts already raised name their rule's milestone; disable it instead.
    http_method_names = ["get", "post", "patch"]
