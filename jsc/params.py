"""Query-string checks shared by the list and dashboard endpoints.

The contract: an unknown query parameter answers 400 naming it, so a mistyped filter
never passes as "everything"; a value that is not valid answers 400 naming its field.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

# Parameters DRF itself reads on every list (pagination, format negotiation).
COMMON = frozenset({"page", "page_size", "format"})


def reject_unknown(params, allowed: Iterable[str]) -> None:
    unknown = sorted(set(params) - set(allowed) - COMMON)
    if unknown:
        raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
