"""Errors the registry's services raise, already in DRF's shapes.

Services stay callable without HTTP (tests, the demo seed, the alert scan), yet a view
needs no translation: DRF renders these as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError


class RuleViolation(ValidationError):
    """400 ``{"field": ["message", ...]}`` (nested for the mother); nothing was written."""


class Conflict(APIException):
    """409 ``{"detail": "...", **extra}``, e.g. the mother's active pregnancy's id."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, **extra: str) -> None:
        super().__init__(detail)
        self.detail = {"detail": self.detail, **extra}


# A unique index refused a write that no re-read explains (a change committed between our
# checks and our write). PostgreSQL's message names the key, e.g. a NIK, so the error
# itself must never reach a log or a response: callers log ids and raise this from None.
RACED = gettext_lazy(
    "This registration conflicted with a change made at the same moment; send it again."
)


class Errors:
    """Collects field -> messages, nested one level for ``mother``; raises once at the end."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str] | dict[str, list[str]]] = {}

    def add(self, field: str, message: str, *, within: str | None = None) -> None:
        if within is None:
            self.fields.setdefault(field, []).append(message)  # type: ignore[union-attr]
        else:
            nested = self.fields.setdefault(within, {})
            nested.setdefault(field, []).append(message)  # type: ignore[union-attr]

    def merge(self, errors: dict[str, list[str]], *, within: str | None = None) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(field, message, within=within)

    def raise_if_any(self) -> None:
        if self.fields:
            raise RuleViolation(self.fields)
