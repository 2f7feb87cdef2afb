"""SATUSEHAT's FHIR R4 API behind one small client; Django-free.

The outbox (satusehat/services/) builds resources and asks this package to search,
create and update them; nothing else in the service makes a call to SATUSEHAT.
"""

from __future__ import annotations

from .environments import CUSTOM, ENVIRONMENTS, base_urls
from .errors import (
    CredentialsRefused,
    RateLimited,
    Refused,
    SatusehatError,
    Unavailable,
    outcome_text,
    safe_text,
)
from .http import SatusehatClient

__all__ = [
    "CUSTOM",
    "ENVIRONMENTS",
    "CredentialsRefused",
    "RateLimited",
    "Refused",
    "SatusehatClient",
    "SatusehatError",
    "Unavailable",
    "base_urls",
    "outcome_text",
    "safe_text",
]
