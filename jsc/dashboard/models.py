"""The reference figures the health office enters each year for PWS KIA targets.

A year's crude birth rate and each village's population; the targets (sasaran) follow
from them (docs/dashboard.md). A district's population is the sum of its villages'.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TargetYear(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    crude_birth_rate_per_1000 = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Only the indicators the health office set; the others use rules.DEFAULT_ANNUAL_TARGET_PCT.
    annual_target_pct = models.JSONField(default=dict, blank=True)
    # Figures seed_demo made up: shown with a "demo" mark, never mistaken for real ones.
    demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(crude_birth_rate_per_1000__isnull=True)
                | Q(crude_birth_rate_per_1000__gte=5, crude_birth_rate_per_1000__lte=50),
                name="target_year_cbr_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"Targets {self.year}"


class VillagePopulation(models.Model):
    target_year = models.ForeignKey(
        TargetYear, on_delete=models.CASCADE, related_name="populations"
    )
    village = models.ForeignKey("people.Village", on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_year", "village"], name="village_population_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"Population of village {self.village_id} in {self.target_year_id}"


class Refresh(models.Model):
    """When a precomputed part of the dashboard was last worked out, and over which
    months (docs/dashboard.md, "Speed"). One row per part, locked while it is redone."""

    PWS_KIA = "pws_kia"
    SUMMARY = "summary"

    name = models.CharField(max_length=32, unique=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    # The overview's counts per district (jsc/dashboard/selectors/summary.py), as counted.
    figures = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Refresh of {self.name}"


class PwsCount(models.Model):
    """How many pregnancies reached a PWS KIA indicator in one month, in one district
    and village (none while the mother's village is not matched), as of the last
    refresh. Derived data: the refresh replaces every row."""

    month = models.DateField()  # its first day
    indicator = models.CharField(max_length=16)
    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(
        "people.Village", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["district", "month"], name="pws_count_district_month")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m}: {self.count}"
