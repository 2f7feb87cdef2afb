from django.urls import path
from django.views.i18n import set_language

from jsc.dashboard import views, views_deaths
from satusehat.pages import status_page

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pws-kia/", views.pws, name="pws"),
    path("high-risk/", views.high_risk, name="high-risk"),
    path("high-risk.csv", views.high_risk_download, name="high-risk-csv"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("alerts/", views.alerts, name="alerts"),
    path("deaths/", views_deaths.deaths, name="deaths"),
    path("targets/", views.targets, name="targets"),
    path("satusehat/", status_page, name="satusehat"),
    # Django's own language switch: a POST that sets the language cookie and goes back.
    path("language/", set_language, name="language"),
]
