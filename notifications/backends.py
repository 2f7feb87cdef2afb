"""The push back end this process uses, chosen once from the settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from notifications.push import PushBackend, build_backend


@cache
def get_backend() -> PushBackend:
    return build_backend(
        settings.FIREBASE_CREDENTIALS or None,
        endpoint=settings.FCM_ENDPOINT,
        max_workers=settings.FCM_MAX_WORKERS,
    )
