from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from rest_framework_simplejwt.views import TokenRefreshView

from jsc.errors import api_not_found
from jsc.health import healthz
from jsc.landing import landing
from jsc.people.views import (
    AdminChangeViewSet,
    DistrictListView,
    FacilityViewSet,
    MeView,
    ThrottledLoginView,
    ThrottledTokenObtainPairView,
    UserViewSet,
    VillageListView,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("facilities", FacilityViewSet, basename="facility")
router.register("users", UserViewSet, basename="user")
router.register("admin-changes", AdminChangeViewSet, basename="admin-change")

api = [
    path("auth/token/", ThrottledTokenObtainPairView.as_view(), name="token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("me/", MeView.as_view(), name="me"),
    path("districts/", DistrictListView.as_view(), name="districts"),
    path("villages/", VillageListView.as_view(), name="villages"),
    path("dashboard/", include("jsc.dashboard.api_urls")),
    path("", include(router.urls)),
    path("", include("pregnancies.urls")),
    path("", include("notifications.urls")),
    path("", include("deaths.urls")),
    path("", include("satusehat.urls")),
]

urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL of its own, so the
    # page needs no inline script and passes the Content-Security-Policy (settings).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("dashboard/", include("jsc.dashboard.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin signs in through the same guarded form.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    # Last: whatever else starts with api/ is a JSON 404, for every method.
    re_path(r"^api/", api_not_found),
]

handler404 = "jsc.errors.not_found"
handler500 = "jsc.errors.server_error"
