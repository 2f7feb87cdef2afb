"""Query filters that refuse what they cannot read, instead of ignoring it.

django-filter drops a parameter it cannot use: ``?due_after=`` or
``?acknowledged=-1.79e308`` answered the whole, unfiltered list, so a client with a
bug was shown more than it asked for and never told. Here a parameter that is given
must hold a value of its type (an empty one only for free text), a yes/no filter reads
only ``true``/``false`` (also ``1``/``0``, ``True``/``False``), and either mistake is a
400 naming the parameter. Pagination's ``page`` and ``page_size`` are held to the same
rule (jsc/params.py).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters

from jsc.params import NEEDS_VALUE

BOOLEAN_WORDS = {"true": True, "false": False, "1": True, "0": False}

NOT_BOOLEAN = _("Must be true or false.")


def _free_text(filter_) -> bool:
    return isinstance(filter_, django_filters.CharFilter) and not isinstance(
        filter_, django_filters.ChoiceFilter | django_filters.UUIDFilter
    )


class StrictFilterSet(drf_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            for value in values:
                if value.strip() == "" and not _free_text(filter_):
                    self.form.add_error(name, str(NEEDS_VALUE))
                    valid = False
                elif isinstance(filter_, django_filters.BooleanFilter) and (
                    value.strip().lower() not in BOOLEAN_WORDS
                ):
                    self.form.add_error(name, str(NOT_BOOLEAN))
                    valid = False
        return valid


class StrictFilterBackend(drf_filters.DjangoFilterBackend):
    """The default filter backend: views with ``filterset_fields`` get strict sets too."""

    filterset_base = StrictFilterSet
