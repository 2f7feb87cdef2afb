from django.urls import path
from rest_framework.routers import SimpleRouter

from deaths.apis import DeathViewSet, RecommendationsView, ZeroReportView

router = SimpleRouter(trailing_slash=True)
router.register("deaths", DeathViewSet, basename="death")

urlpatterns = [
    # Before the router's: neither word is a case's id.
    path("deaths/zero-report/", ZeroReportView.as_view(), name="death-zero-report"),
    path("deaths/recommendations/", RecommendationsView.as_view(), name="death-recommendations"),
    *router.urls,
]
