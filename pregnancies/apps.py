from django.apps import AppConfig


class PregnanciesConfig(AppConfig):
    name = "pregnancies"
    verbose_name = "Pregnancy registry"
