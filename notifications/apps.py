from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Due-date alerts"

    def ready(self) -> None:
        from notifications import receivers  # noqa: F401  (connects the registry's hooks)
