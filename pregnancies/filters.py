"""Filters of the pregnancy list and the audit trail (django-filter)."""

from __future__ import annotations

import re
from datetime import UTC

import django_filters as filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.fields import IsoDateTimeField

from jsc.filters import StrictFilterSet
from pregnancies.models import AuditEntry, Pregnancy, PregnancyStatus, RiskBand
from pregnancies.rules.limits import SEARCH_MAX_LENGTH
from pregnancies.rules.nik import NIK_LENGTH, NIK_PREFIX_MIN_LENGTH, normalize_nik

# "2026-03-10T08:00:00+07:00" sent unencoded in a query string arrives with a space
# where the "+" was; read it as the offset it was meant to be.
_SPACED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")


class _UtcTimestampField(IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACED_OFFSET.sub(r"+\1", value.strip())
        value = super().to_python(value)
        if value is None:
            return None
        # PostgreSQL takes UTC offsets only up to ±15:59 and answers a larger one (which
        # Python parses happily, up to ±23:59) with an error; the same instant in UTC is
        # always fine. Near year 1 or 9999 the instant may not exist in UTC at all.
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class TimestampFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 instant with any offset Python reads, queried as UTC."""

    field_class = _UtcTimestampField


class StableOrderingFilter(filters.OrderingFilter):
    """The chosen order, then the id, so paging through equal values skips nothing."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "id") if value else qs


class PregnancyFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=PregnancyStatus.choices)
    risk_band = filters.ChoiceFilter(choices=RiskBand.choices)
    due_after = filters.DateFilter(field_name="edd", lookup_expr="gte", label="EDD on or after")
    due_before = filters.DateFilter(field_name="edd", lookup_expr="lte", label="EDD on or before")
    # On or after (not strictly after): a row saved in the same instant as the client's
    # last sync is sent again rather than missed.
    updated_since = TimestampFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601)"
    )
    search = filters.CharFilter(
        method="filter_search", max_length=SEARCH_MAX_LENGTH, label="Mother's name or NIK"
    )
    facility = filters.UUIDFilter(field_name="facility_id")
    district = filters.CharFilter(
        method="filter_district",
        max_length=SEARCH_MAX_LENGTH,
        label="District (kecamatan) of the caring facility, by Kemendagri code or name",
    )
    village = filters.CharFilter(
        method="filter_village",
        max_length=SEARCH_MAX_LENGTH,
        label="The mother's village, by Kemendagri code or name",
    )
    ordering = StableOrderingFilter(
        fields=["edd", "kspr_score", "created_at", "updated_at"],
        label="edd (the default), kspr_score, created_at or updated_at; '-' first reverses",
    )

    class Meta:
        model = Pregnancy
        fields = ["status", "risk_band", "facility"]

    def filter_district(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(
            Q(facility__district__code=value) | Q(facility__district__name__iexact=value)
        )

    def filter_village(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(
            Q(mother__village_place__code=value) | Q(mother__village__iexact=value)
        )

    def filter_search(self, queryset, name, value: str):
        """A whole NIK matches exactly; a NIK's first digits (at least
        NIK_PREFIX_MIN_LENGTH) match by prefix; anything else searches names. Both NIK
        forms use the unique index on NIK (a prefix is an index range scan)."""
        value = value.strip()
        if not value:
            return queryset
        compact = normalize_nik(value)
        if compact.isdigit() and len(compact) == NIK_LENGTH:
            return queryset.filter(person__nik=compact)
        if compact.isdigit() and NIK_PREFIX_MIN_LENGTH <= len(compact) < NIK_LENGTH:
            return queryset.filter(person__nik__startswith=compact)
        return queryset.filter(mother__full_name__icontains=value)


class AuditEntryFilter(StrictFilterSet):
    pregnancy = filters.UUIDFilter(field_name="pregnancy_id")
    user = filters.UUIDFilter(field_name="user_id")
    action = filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    target = filters.ChoiceFilter(choices=AuditEntry.Target.choices)
    since = TimestampFilter(field_name="at", lookup_expr="gte")

    class Meta:
        model = AuditEntry
        fields = ["pregnancy", "user", "action", "target"]
