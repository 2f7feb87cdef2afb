from django.apps import AppConfig


class DeathsConfig(AppConfig):
    name = "deaths"
    verbose_name = "Maternal and perinatal deaths (AMP-SR)"

    def ready(self) -> None:
        from deaths import receivers  # noqa: F401  (an outcome with a death notifies it)
