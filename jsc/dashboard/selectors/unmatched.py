"""Mothers' villages typed before the regency's places were loaded, not matched yet."""

from __future__ import annotations

from django.db.models import Count

from pregnancies.models import Mother


def unmatched_villages() -> list[dict]:
    """Each distinct text with how many mothers carry it, most first. One query."""
    rows = (
        Mother.objects.filter(village_place__isnull=True)
        .exclude(village="")
        .values("village")
        .annotate(mothers=Count("pk"))
        .order_by("-mothers", "village")
    )
    return [{"village": r["village"], "mothers": r["mothers"]} for r in rows]
