"""The SATUSEHAT client this process uses, built once from the settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from satusehat.client import SatusehatClient


@cache
def get_client() -> SatusehatClient:
    return SatusehatClient(
        auth_url=settings.SATUSEHAT_AUTH_URL,
        fhir_url=settings.SATUSEHAT_FHIR_URL,
        client_id=settings.SATUSEHAT_CLIENT_ID,
        client_secret=settings.SATUSEHAT_CLIENT_SECRET,
        timeout=(5.0, float(settings.SATUSEHAT_TIMEOUT_SECONDS)),
    )
