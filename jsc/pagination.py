"""The one paginator every list uses; it also refuses query parameters no one reads.

A mistyped filter (`?risk=high` for `?risk_band=high`) must not pass as "everything"
(contract conventions): a list answers 400 naming each parameter that is neither one
of its filters, nor a paging parameter, nor one the view declares it reads itself
(``extra_query_params``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings

from jsc.params import reject_unknown_or_blank


class Pagination(PageNumberPagination):
    """`{"results", "next", "count", "previous"}` as the contract asks.

    A ``page_size`` that is given must be a whole number from 1 to ``max_page_size``:
    DRF would silently use the default for ``?page_size=abc`` and cap ``?page_size=9999``,
    so a client's mistake went unnoticed (jsc/filters.py says the same of filters).
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw.strip())
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        reject_unknown_query_params(request, view, queryset, paging=self.paging_params())
        return super().paginate_queryset(queryset, request, view)

    def paging_params(self) -> set[str]:
        return {self.page_query_param, self.page_size_query_param}


def filter_params(view, queryset) -> set[str]:
    """The parameters the view's filter set reads (and checks itself)."""
    if view is None:
        return set()
    filterset_class = DjangoFilterBackend().get_filterset_class(view, queryset)
    return set(filterset_class.base_filters) if filterset_class is not None else set()


def reject_unknown_query_params(request, view, queryset, *, paging: set[str]) -> None:
    filters = filter_params(view, queryset)
    known = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "extra_query_params", ())}
    reject_unknown_or_blank(request.query_params, known | filters | paging, may_be_blank=filters)
