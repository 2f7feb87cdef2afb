"""The few SQL spellings that differ between PostgreSQL and SQLite (the embedded default)."""

from __future__ import annotations

from django.db import connection

from pregnancies.rules.dates import EDD_SOURCE_LMP, PREGNANCY_DAYS


def days_between(later: str, earlier: str) -> str:
    """Whole days from ``earlier`` to ``later`` (two DATE columns)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def gestational_days(on: str, pregnancy: str) -> str:
    """Days of gestation on the DATE ``on`` of the pregnancy aliased ``pregnancy``:
    pregnancies.rules.dates.ga_start in SQL (from the LMP for an LMP EDD, from EDD - 280
    for an ultrasound one)."""
    return (
        f"CASE WHEN {pregnancy}.edd_source = '{EDD_SOURCE_LMP}'"
        f" THEN {days_between(on, pregnancy + '.lmp')}"
        f" ELSE {days_between(on, pregnancy + '.edd')} + {PREGNANCY_DAYS} END"
    )


def year_month(column: str) -> str:
    """'YYYY-MM' of a DATE column."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"


def latest_of(columns: list[str]) -> str:
    """The latest of several dates, NULL when any is NULL (PostgreSQL's GREATEST skips NULLs)."""
    any_null = " OR ".join(f"{c} IS NULL" for c in columns)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    return f"CASE WHEN {any_null} THEN NULL ELSE {greatest}({', '.join(columns)}) END"
