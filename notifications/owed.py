"""Which alerts are owed today: set-based queries over the active pregnancies.

For each risk band, the active rules for it are ordered by their offset from the EDD.
A pregnancy is owed rule *r* when the most recent milestone that has come for it is
*r* (domain.md, "catch-up": a late registration or a late scan gets only the latest
milestone, not a burst of stale ones). That is an EDD window per (band, rule), so the
whole scan is a fixed handful of indexed queries whatever the number of pregnancies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    UUIDField,
    Value,
)
from django.utils import timezone

from jsc.people.models import Role
from notifications.models import Alert, AlertRule, AlertStatus
from pregnancies.models import Pregnancy, PregnancyStatus, RiskBand
from pregnancies.rules.dates import PREGNANCY_DAYS, STALE_DAYS

# A pregnancy past 44 weeks without an outcome is stale: no more alerts (domain.md).
LAST_ALERT_DAY = STALE_DAYS - PREGNANCY_DAYS  # days after the EDD


@dataclass(frozen=True)
class Window:
    rule: AlertRule
    band: str
    earliest_edd: date
    latest_edd: date


def windows(rules: list[AlertRule], *, today: date) -> list[Window]:
    """The EDD window in which each (band, rule) is the latest milestone that has come."""
    result = []
    for band in RiskBand.values:
        mine = sorted((r for r in rules if band in r.bands), key=lambda r: r.offset_days)
        for index, rule in enumerate(mine):
            if rule.offset_days > LAST_ALERT_DAY:
                break
            # Days since the EDD, d = today - edd, must satisfy offset <= d < next offset.
            next_offset = (
                mine[index + 1].offset_days if index + 1 < len(mine) else LAST_ALERT_DAY + 1
            )
            last_day = min(next_offset - 1, LAST_ALERT_DAY)
            result.append(
                Window(
                    rule=rule,
                    band=band,
                    earliest_edd=today - timedelta(days=last_day),
                    latest_edd=today - timedelta(days=rule.offset_days),
                )
            )
    return result


def _not_yet_alerted(milestone: str, recipient_ref: str):
    # Answered by the unique index (pregnancy, milestone, recipient) one candidate at a
    # time, so its cost follows the pregnancies in the window, not the alert history.
    return ~Exists(
        Alert.objects.filter(
            pregnancy=OuterRef("pk"), milestone=milestone, recipient=OuterRef(recipient_ref)
        )
    )


class NewUUID(Func):
    """A random UUID made by the database, for rows inserted straight from a SELECT."""

    template = "gen_random_uuid()"  # built into PostgreSQL 13+
    output_field = UUIDField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps a UUID in SQLite as 32 hex digits.
        return "lower(hex(randomblob(16)))", []


def owed_queries(*, today: date) -> list[tuple[Window, QuerySet]]:
    """For each window, the rows owed: (pregnancy_id, recipient_id, edd, risk_band).

    Recipients: the pregnancy's named doctor when it names an active one, else every
    active doctor of its facility. Two queries per window, a fixed number in all.
    """
    rules = list(AlertRule.objects.filter(active=True))
    result = []
    for window in windows(rules, today=today):
        candidates = Pregnancy.objects.filter(
            status=PregnancyStatus.ACTIVE,
            risk_band=window.band,
            edd__gte=window.earliest_edd,
            edd__lte=window.latest_edd,
        )
        # A named doctor counts while active and still at the pregnancy's facility (one who
        # moved could no longer open it); otherwise the facility's doctors are told.
        named = Q(
            doctor__isnull=False,
            doctor__is_active=True,
            doctor__role=Role.DOCTOR,
            doctor__facility=F("facility"),
        )
        to_named = (
            candidates.filter(named)
            .filter(_not_yet_alerted(window.rule.milestone, "doctor_id"))
            .annotate(recipient=F("doctor_id"))
        )
        # One filter() call, so the staff join, its conditions and the OuterRef all
        # refer to the same row (each call would add a join of its own).
        to_facility = (
            candidates.exclude(named)
            .filter(
                _not_yet_alerted(window.rule.milestone, "facility__staff__id"),
                facility__staff__role=Role.DOCTOR,
                facility__staff__is_active=True,
            )
            .annotate(recipient=F("facility__staff__id"))
        )
        result.extend((window, rows.order_by()) for rows in (to_named, to_facility))
    return result


def alerts_owed(*, today: date) -> list[Alert]:
    """Unsaved Alert rows for every (pregnancy, milestone, recipient) owed today.

    For tests and inspection: the scan itself inserts them without loading them
    (``record_owed_alerts``).
    """
    return [
        Alert(
            id=uuid.uuid4(),
            pregnancy_id=pregnancy_id,
            recipient_id=recipient_id,
            milestone=window.rule.milestone,
            urgent=window.rule.urgent,
            edd=edd,
            risk_band=band,
        )
        for window, rows in owed_queries(today=today)
        for pregnancy_id, recipient_id, edd, band in rows.values_list(
            "id", "recipient", "edd", "risk_band"
        )
    ]


def _insert_columns(window: Window, now) -> dict[str, object]:
    """Every column of a new alert: the owed row's values, the window's constants, and
    each other field's default (Django's defaults live in Python, not in the table)."""
    chosen: dict[str, object] = {
        "id": NewUUID(),
        "pregnancy_id": F("id"),
        "recipient_id": F("recipient"),
        "edd": F("edd"),
        "risk_band": F("risk_band"),
        "milestone": Value(window.rule.milestone, output_field=CharField()),
        "urgent": Value(window.rule.urgent, output_field=BooleanField()),
        "status": Value(AlertStatus.PENDING.value, output_field=CharField()),
    }
    for field in Alert._meta.concrete_fields:
        if field.attname in chosen:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            chosen[field.attname] = Value(now, output_field=DateTimeField())
        elif field.has_default():
            chosen[field.attname] = Value(field.get_default(), output_field=field)
        # else: nullable without a default, NULL like Django would write
    return chosen


def record_owed_alerts(*, today: date) -> int:
    """Insert the owed alerts straight from their SELECTs; return how many were new.

    One ``INSERT ... SELECT`` per window and recipient kind: no row passes through
    Python, so memory stays flat however many are owed (a first deploy, or a new
    rule, owes hundreds of thousands at province scale), and outside a transaction
    each window commits on its own. The unique constraint settles any race between
    scans (``ON CONFLICT DO NOTHING``). bench/results.md has the figures.
    """
    now = timezone.now()
    table = connection.ops.quote_name(Alert._meta.db_table)
    inserted = 0
    for window, rows in owed_queries(today=today):
        values = _insert_columns(window, now)
        names = {attname: f"new_{i}" for i, attname in enumerate(values)}
        select = rows.annotate(**{names[k]: v for k, v in values.items()}).values_list(
            *names.values()
        )
        columns = ", ".join(
            connection.ops.quote_name(Alert._meta.get_field(attname).column) for attname in values
        )
        sql, params = select.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT DO NOTHING", params)
            inserted += cursor.rowcount
    return inserted
