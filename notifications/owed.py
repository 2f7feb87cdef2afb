"""Which alerts are owed today: set-based queries over the active pregnancies.

For each risk band, the active rules for it are ordered by their offset from the EDD.
A pregnancy is owed rule *r* when the most recent milestone that has come for it is
*r* (catch-up, docs/domain.md, "Alerts to doctors": a late registration or a late scan
gets only the latest milestone, not a burst of stale ones). That is an EDD window per
(band, rule).

The scan is one statement shape, written in SQL because Django has no INSERT ...
SELECT: the windows as a VALUES list joined to the active pregnancies (read from the
covering index ``preg_active_band_edd`` alone), the recipients, and a NOT EXISTS
answered by the unique (pregnancy, milestone, recipient) index, so its cost follows the
pregnancies in the windows, not the alert history. It runs once per slice of EDDs: a
fixed number of statements, nothing loaded into Python, and no transaction holding a
whole catch-up. bench/results.md has the figures.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from jsc.people.models import Role, User
from notifications.models import Alert, AlertRule, AlertStatus
from pregnancies.models import Pregnancy, PregnancyStatus, Referral, RiskBand
from pregnancies.rules.dates import LMP_TO_EDD_MAX_DAYS, STALE_DAYS

# A pregnancy past 44 weeks without an outcome is stale: no more alerts
# (docs/domain.md, "Pregnancy dates"). The scan reads EDDs only (from the covering
# index), and an EDD lies 280 to 283 days after day 0 of the gestational age (280 for
# an ultrasound EDD, up to 283 by the calendar from an LMP): up to 25 days after the
# EDD no pregnancy is past 44 weeks, whatever its EDD came from (docs/alerts.md).
LAST_ALERT_DAY = STALE_DAYS - LMP_TO_EDD_MAX_DAYS  # days after the EDD


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


# The catch-up is written in slices of this many days of EDD, each its own statement
# (and, outside a transaction, its own commit): a first deploy or a new rule owes
# hundreds of thousands of alerts at province scale. The windows span 12 weeks, so
# about seven slices whatever the number of pregnancies.
SLICE_DAYS = 14
# New alerts in one slice above which the table's statistics are refreshed before the
# next slice (see record_owed_alerts).
ANALYZE_AFTER = 1000


def _owed_select(
    ws: list[Window], first: date, last: date, pregnancy_ids=None
) -> tuple[str, list, list[str]]:
    """SELECT of the rows owed in one slice of EDDs.

    Its columns: pregnancy id, recipient id, milestone, urgent, EDD, risk band. A named
    doctor counts while active and still at the pregnancy's facility (one who moved
    could no longer open it); otherwise every active doctor of the facility is told.
    The candidates are read once (``c``) for both kinds of recipient. Every active doctor
    of each facility the pregnancy was referred to is told too (docs/alerts-urgent.md).
    ``pregnancy_ids`` narrows it to a few pregnancies: the urgent path after a
    registration, an edit or a referral.
    """
    qn = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    # PostgreSQL types a VALUES list by its literals; SQLite keeps dates as ISO text.
    day = "CAST(%s AS date)" if pg else "%s"
    flag = "CAST(%s AS boolean)" if pg else "%s"

    def d(value: date):
        return value if pg else value.isoformat()

    rows, params = [], []
    for w in ws:
        rows.append(f"(%s, {day}, {day}, %s, {flag})")
        params += [w.band, d(w.earliest_edd), d(w.latest_edd), w.rule.milestone, w.rule.urgent]
    pregnancy, user, alert, referral = (
        qn(Pregnancy._meta.db_table),
        qn(User._meta.db_table),
        qn(Alert._meta.db_table),
        qn(Referral._meta.db_table),
    )
    doctor = Role.DOCTOR.value

    def not_alerted(recipient: str) -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.pregnancy_id = c.id"
            f" AND a.milestone = c.milestone AND a.recipient_id = {recipient}"
            # visit_id IS NULL: the milestones' unique index is partial (danger_sign
            # alerts, one per visit, have their own); this lets it answer.
            " AND a.visit_id IS NULL)"
        )

    narrow = ""
    narrow_params: list = []
    if pregnancy_ids is not None:
        pk = Pregnancy._meta.pk
        narrow = f" AND p.id IN ({', '.join(['%s'] * len(pregnancy_ids))})"
        narrow_params = [pk.get_db_prep_value(i, connection) for i in pregnancy_ids]
    columns = "c.milestone AS milestone, c.urgent AS urgent, c.edd AS edd, c.risk_band AS risk_band"
    sql = (
        f"WITH w (band, earliest, latest, milestone, urgent) AS (VALUES {', '.join(rows)}),"
        " c AS ("
        " SELECT p.id, p.doctor_id, p.facility_id, p.edd, p.risk_band, w.milestone, w.urgent,"
        " n.id AS named"
        f" FROM w JOIN {pregnancy} p ON p.risk_band = w.band"
        " AND p.edd >= w.earliest AND p.edd <= w.latest"
        f" LEFT JOIN {user} n ON n.id = p.doctor_id AND n.is_active AND n.role = %s"
        " AND n.facility_id = p.facility_id"
        f" WHERE p.status = %s AND p.edd >= {day} AND p.edd <= {day}{narrow})"
        f" SELECT c.id AS pregnancy_id, c.doctor_id AS recipient_id, {columns} FROM c"
        f" WHERE c.named IS NOT NULL AND {not_alerted('c.doctor_id')}"
        f" UNION ALL SELECT c.id AS pregnancy_id, r.id AS recipient_id, {columns} FROM c"
        f" JOIN {user} r ON r.facility_id = c.facility_id AND r.is_active AND r.role = %s"
        f" WHERE c.named IS NULL AND {not_alerted('r.id')}"
        # From each candidate to its referrals, then to their facilities' doctors:
        # written as "doctors whose facility is IN (the referrals)", the plan paired
        # every candidate with every doctor and probed the referrals for each pair
        # (14 million probes, 8 of the 10 seconds of a window at 5,000,000
        # pregnancies; bench/notes.md, "Scan"). DISTINCT: two referrals of one
        # pregnancy to the same facility owe its doctors one alert.
        f" UNION ALL SELECT DISTINCT c.id AS pregnancy_id, r.id AS recipient_id, {columns}"
        f" FROM c JOIN {referral} f ON f.pregnancy_id = c.id"
        f" JOIN {user} r ON r.facility_id = f.to_facility_id AND r.is_active AND r.role = %s"
        f" WHERE {not_alerted('r.id')}"
    )
    params += [
        doctor,
        PregnancyStatus.ACTIVE.value,
        d(first),
        d(last),
        *narrow_params,
        doctor,
        doctor,
    ]
    return sql, params, ["pregnancy_id", "recipient_id", "milestone", "urgent", "edd", "risk_band"]


def owed_statements(*, today: date, slice_days: int | None = None, pregnancy_ids=None):
    """(sql, params, columns) of every SELECT the scan runs today: one per slice of
    ``slice_days`` days of EDD (one slice when None)."""
    ws = windows(list(AlertRule.objects.filter(active=True)), today=today)
    if not ws or pregnancy_ids == []:
        return []
    start, end = min(w.earliest_edd for w in ws), max(w.latest_edd for w in ws)
    step = timedelta(days=slice_days or (end - start).days + 1)
    statements = []
    while start <= end:
        last = min(start + step - timedelta(days=1), end)
        statements.append(_owed_select(ws, start, last, pregnancy_ids))
        start = last + timedelta(days=1)
    return statements


def alerts_owed(*, today: date, pregnancy_ids=None) -> list[Alert]:
    """Unsaved Alert rows for every (pregnancy, milestone, recipient) owed today.

    For tests and inspection: the scan inserts them without loading them
    (``record_owed_alerts``).
    """
    owed = []
    with connection.cursor() as cursor:
        for sql, params, _ in owed_statements(today=today, pregnancy_ids=pregnancy_ids):
            cursor.execute(sql, params)
            owed += [
                Alert(
                    id=uuid.uuid4(),
                    # SQLite answers with hex text where PostgreSQL gives UUIDs.
                    pregnancy_id=uuid.UUID(str(pregnancy_id)),
                    recipient_id=uuid.UUID(str(recipient_id)),
                    milestone=milestone,
                    urgent=bool(urgent),
                    edd=date.fromisoformat(edd) if isinstance(edd, str) else edd,
                    risk_band=band,
                )
                for pregnancy_id, recipient_id, milestone, urgent, edd, band in cursor.fetchall()
            ]
    return owed


def _new_id_sql() -> str:
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"  # built in from PostgreSQL 13
    return "lower(hex(randomblob(16)))"  # Django keeps a UUID in SQLite as 32 hex digits


def _constant_columns(now) -> tuple[list[str], list]:
    """Columns of a new alert that the SELECT does not give: its status, and every other
    field's default as Django would write it (defaults live in Python, not the table)."""
    from_select = {"id", "pregnancy_id", "recipient_id", "milestone", "urgent", "edd", "risk_band"}
    columns, params = [], []
    for field in Alert._meta.concrete_fields:
        if field.attname in from_select:
            continue
        if field.attname == "status":
            value = AlertStatus.PENDING.value
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        else:
            continue  # nullable without a default: NULL, as Django would write it
        columns.append(field.column)
        params.append(field.get_db_prep_save(value, connection))
    return columns, params


def record_owed_alerts(*, today: date, pregnancy_ids=None) -> int:
    """Insert the owed alerts straight from their SELECTs; return how many were new.

    The unique constraint settles any race between two scans (ON CONFLICT DO NOTHING).
    ``pregnancy_ids``: only those pregnancies, in one statement (the urgent path).
    """
    qn = connection.ops.quote_name
    constant, constant_params = _constant_columns(timezone.now())
    inserted = 0
    with connection.cursor() as cursor:
        statements = owed_statements(
            today=today,
            slice_days=None if pregnancy_ids is not None else SLICE_DAYS,
            pregnancy_ids=pregnancy_ids,
        )
        for sql, params, columns in statements:
            names = ", ".join(qn(c) for c in ["id", *columns, *constant])
            values = ", ".join(
                [_new_id_sql(), *(f"o.{qn(c)}" for c in columns)] + ["%s"] * len(constant)
            )
            cursor.execute(
                f"INSERT INTO {qn(Alert._meta.db_table)} ({names})"
                f" SELECT {values} FROM ({sql}) AS o WHERE true"
                " ON CONFLICT DO NOTHING",
                [*constant_params, *params],
            )
            inserted += cursor.rowcount
            if cursor.rowcount >= ANALYZE_AFTER and connection.vendor == "postgresql":
                # A first scan (first deploy, a new rule) fills a table the planner
                # believes empty: autovacuum looks again only after a tenth of it has
                # changed, and until then the next slice probes "not yet alerted" by
                # recipient alone, reading every alert of that doctor per candidate
                # (5.5 s for one slice of 9,000 candidates at 200,000 pregnancies;
                # bench/notes.md, "Scan").
                cursor.execute(f"ANALYZE {qn(Alert._meta.db_table)}")
    return inserted
