from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jsc.people"
    label = "people"
    verbose_name = "People and facilities"
