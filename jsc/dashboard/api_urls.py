from django.urls import path

from jsc.dashboard import apis

urlpatterns = [
    path("summary/", apis.SummaryApi.as_view(), name="dashboard-summary"),
    path("pws-kia/", apis.PwsKiaApi.as_view(), name="dashboard-pws-kia"),
    path("targets/<str:year>/", apis.TargetsApi.as_view(), name="dashboard-targets"),
    path("high-risk/", apis.HighRiskApi.as_view(), name="dashboard-high-risk"),
    path("alert-response/", apis.AlertResponseApi.as_view(), name="dashboard-alert-response"),
    path("deaths/", apis.DeathsApi.as_view(), name="dashboard-deaths"),
    path(
        "expected-deliveries/",
        apis.ExpectedDeliveriesApi.as_view(),
        name="dashboard-expected-deliveries",
    ),
    path(
        "unmatched-villages/",
        apis.UnmatchedVillagesApi.as_view(),
        name="dashboard-unmatched-villages",
    ),
]
