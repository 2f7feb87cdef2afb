from django.apps import AppConfig


class SatusehatConfig(AppConfig):
    name = "satusehat"
    verbose_name = "SATUSEHAT outbox"

    def ready(self) -> None:
        from satusehat import receivers  # noqa: F401  (connects the registry's hooks)
