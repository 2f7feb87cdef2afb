"""SATUSEHAT's base URLs per environment (docs/satusehat.md, "Settings").

Django-free: jsc/settings.py resolves ``SATUSEHAT_ENV`` with it at start, so a typo
stops every process with one line instead of failing at the first send.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Environment -> (OAuth2 base, FHIR R4 base), as the Ministry of Health publishes them.
ENVIRONMENTS: dict[str, tuple[str, str]] = {
    "dev": (
        "https://api-satusehat-dev.dto.kemkes.go.id/oauth2/v1",
        "https://api-satusehat-dev.dto.kemkes.go.id/fhir-r4/v1",
    ),
    "staging": (
        "https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1",
        "https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1",
    ),
    "production": (
        "https://api-satusehat.kemkes.go.id/oauth2/v1",
        "https://api-satusehat.kemkes.go.id/fhir-r4/v1",
    ),
}
# An explicit pair of URLs: the project's fake (tests, `make run`) or a proxy.
CUSTOM = "custom"


def _checked_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{name} must be an http(s) URL, not {value!r}")
    return value.rstrip("/")


def base_urls(environment: str, *, auth_url: str = "", fhir_url: str = "") -> tuple[str, str]:
    """(OAuth2 base, FHIR base) for ``environment``; ValueError saying what is wrong."""
    if environment == CUSTOM:
        if not auth_url or not fhir_url:
            raise ValueError("SATUSEHAT_ENV=custom needs SATUSEHAT_AUTH_URL and SATUSEHAT_FHIR_URL")
        return (
            _checked_url("SATUSEHAT_AUTH_URL", auth_url),
            _checked_url("SATUSEHAT_FHIR_URL", fhir_url),
        )
    if environment not in ENVIRONMENTS:
        known = ", ".join([*ENVIRONMENTS, CUSTOM])
        raise ValueError(f"SATUSEHAT_ENV must be one of {known} (or unset), not {environment!r}")
    return ENVIRONMENTS[environment]
