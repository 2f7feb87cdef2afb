from django.urls import path
from rest_framework.routers import DefaultRouter

from pregnancies.apis import (
    AuditEntryViewSet,
    OutcomeView,
    PregnancyViewSet,
    ReferenceView,
    ReferralsView,
    RiskHistoryView,
    VisitsView,
)
from pregnancies.mothers_api import PersonViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("pregnancies", PregnancyViewSet, basename="pregnancy")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("mothers", PersonViewSet, basename="mother")

urlpatterns = [
    path("pregnancies/<str:pregnancy_id>/visits/", VisitsView.as_view(), name="pregnancy-visits"),
    path(
        "pregnancies/<str:pregnancy_id>/outcome/", OutcomeView.as_view(), name="pregnancy-outcome"
    ),
    path(
        "pregnancies/<str:pregnancy_id>/risk-history/",
        RiskHistoryView.as_view(),
        name="pregnancy-risk-history",
    ),
    path(
        "pregnancies/<str:pregnancy_id>/referrals/",
        ReferralsView.as_view(),
        name="pregnancy-referrals",
    ),
    path("reference/", ReferenceView.as_view(), name="reference"),
    *router.urls,
]
