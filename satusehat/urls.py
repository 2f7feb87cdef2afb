from django.urls import path

from satusehat.apis import PatientsNotFoundView, PregnancyRowsView, StatusView

urlpatterns = [
    path("satusehat/status/", StatusView.as_view(), name="satusehat-status"),
    path(
        "satusehat/patients-not-found/",
        PatientsNotFoundView.as_view(),
        name="satusehat-patients-not-found",
    ),
    path(
        "pregnancies/<str:pregnancy_id>/satusehat/",
        PregnancyRowsView.as_view(),
        name="pregnancy-satusehat",
    ),
]
