"""Query-string checks shared by the list and dashboard endpoints.

The contract: an unknown query parameter answers 400 naming it, so a mistyped filter
never passes as "everything"; a value that is not valid answers 400 naming its field.
An empty value (``?page=``, ``?year=``) is no value either: it answers 400 naming the
parameter, where it once passed as if the parameter were absent. (The dashboard's web
pages read an empty field as absent: an HTML form sends every field, "All" as an empty
one; jsc/dashboard/params.py.)
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

# Parameters DRF itself reads on every list (pagination, format negotiation).
COMMON = frozenset({"page", "page_size", "format"})

NEEDS_VALUE = gettext_lazy("Give a value, or leave the parameter out.")


def reject_unknown_or_blank(params, allowed: Iterable[str], *, may_be_blank=()) -> None:
    """400 naming each parameter that is not ``allowed`` (nor COMMON), and each one
    given empty; ``may_be_blank`` are left to whoever reads them (a filter set refuses
    its own empty values, except free text, jsc/filters.py)."""
    allowed = set(allowed) | COMMON
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
    blank = sorted(
        name
        for name in set(params) - set(may_be_blank)
        if any(value.strip() == "" for value in params.getlist(name))
    )
    if blank:
        raise ValidationError({name: [str(NEEDS_VALUE)] for name in blank})
