"""Every EDD that came from the LMP, recomputed by Naegele's rule in its calendar form.

Before, the EDD from an LMP was LMP + 280 days; the Buku KIA's HPL is LMP + 7 days, then
+ 9 calendar months (the month's last day where that day does not exist), 0 to 3 days
later (docs/domain.md, "Pregnancy dates"). Ultrasound EDDs stay as they were.

Each EDD that moves is handled as a correction handles one (pregnancies/services/
updates.py): a row in its EDD history (source ``rule``, no user), ``updated_at`` moved so
that phones syncing by ``updated_since`` fetch it, and, for an active pregnancy, its
alerts re-planned by the alerts app's own services: what no phone received and nobody
answered is dropped, and what is owed on the new date is recorded at once (the next
dispatch sends it). Closed pregnancies get the new EDD and its history only: their
alerts are history.

A large table: batches in primary-key order, each one statement that finds, locks,
moves and records up to BATCH pregnancies, then their alerts, each batch its own
transaction (the migration is not atomic), so no lock outlives a batch and a run that
stops resumes where it was (an EDD that already agrees with the rule is not touched).
Run it before the new code serves and after the old stops: an old process correcting an
LMP in between would store LMP + 280 days again.

Reversible: backwards, the same steps with the old rule (LMP + 280 days), recorded in
the history too.
"""

import uuid
from datetime import timedelta

from django.db import migrations, transaction
from django.utils import timezone

BATCH = 2000
FIRST_ID = uuid.UUID(int=0)  # below every id

# PostgreSQL adds months as relativedelta does, onto the month's last day when the day
# does not exist there ('2026-05-31' + 9 months = '2027-02-28');
# tests/pregnancies/test_migration_naegele.py checks it against edd_from_lmp day by day.
NAEGELE_SQL = "CAST({lmp} + 7 + INTERVAL '9 months' AS date)"
OLD_RULE_SQL = "({lmp} + 280)"


def _old_rule(lmp):
    return lmp + timedelta(days=280)


def _naegele(lmp):
    from pregnancies.rules.dates import edd_from_lmp

    return edd_from_lmp(lmp)


def _move_batch_postgresql(apps, schema_editor, rule_sql, rule, after, now):
    """One statement: the next pregnancies (by id) whose EDD disagrees with the rule, locked,
    moved and recorded. ((id, status) of each moved, the id to go on after)."""
    qn = schema_editor.quote_name
    pregnancy = qn(apps.get_model("pregnancies", "Pregnancy")._meta.db_table)
    history = qn(apps.get_model("pregnancies", "EddChange")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH due AS (
                SELECT id, edd FROM {pregnancy}
                WHERE edd_source = 'lmp' AND id > %s AND edd <> {rule_sql.format(lmp="lmp")}
                ORDER BY id LIMIT %s
                FOR UPDATE
            ), moved AS (
                UPDATE {pregnancy} p SET edd = {rule_sql.format(lmp="p.lmp")}, updated_at = %s
                FROM due WHERE p.id = due.id
                RETURNING p.id, p.status, due.edd AS old_edd, p.edd AS new_edd
            ), logged AS (
                INSERT INTO {history} (pregnancy_id, at, old_edd, new_edd, edd_source, source)
                SELECT id, %s, old_edd, new_edd, 'lmp', 'rule' FROM moved
            )
            SELECT id, status FROM moved ORDER BY id
            """,
            [after, BATCH, now, now],
        )
        moved = cursor.fetchall()
    return moved, moved[-1][0] if moved else None


def _move_batch_sqlite(apps, schema_editor, rule_sql, rule, after, now):
    """The same on SQLite, the local default until it is retired: it cannot add months
    to a date the way PostgreSQL does, so the dates are computed here."""
    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    EddChange = apps.get_model("pregnancies", "EddChange")
    rows = list(
        Pregnancy.objects.filter(edd_source="lmp", pk__gt=after)
        .order_by("pk")
        .only("id", "lmp", "edd", "status")[:BATCH]
    )
    moved = [p for p in rows if rule(p.lmp) != p.edd]
    EddChange.objects.bulk_create(
        EddChange(
            pregnancy_id=p.pk,
            at=now,
            old_edd=p.edd,
            new_edd=rule(p.lmp),
            edd_source="lmp",
            source="rule",
        )
        for p in moved
    )
    for p in moved:
        p.edd, p.updated_at = rule(p.lmp), now
    Pregnancy.objects.bulk_update(moved, ["edd", "updated_at"])
    return [(p.pk, p.status) for p in moved], rows[-1].pk if rows else None


def _recompute(apps, schema_editor, rule_sql, rule):
    # The alerts are re-planned by the very services a correction calls, not by a copy
    # frozen here: so this migration runs today's code for them, which holds while the
    # alert tables stand as at its dependencies. A database migrated from scratch later
    # has no pregnancy to move, and they are never called.
    from notifications.owed import record_owed_alerts
    from notifications.services import replan_for_pregnancies

    postgresql = schema_editor.connection.vendor == "postgresql"
    move_batch = _move_batch_postgresql if postgresql else _move_batch_sqlite
    today = timezone.localdate()
    after = FIRST_ID
    while after is not None:
        with transaction.atomic(using=schema_editor.connection.alias):
            moved, after = move_batch(apps, schema_editor, rule_sql, rule, after, timezone.now())
            active = [pk for pk, status in moved if status == "active"]
            if active:
                replan_for_pregnancies(active)
                record_owed_alerts(today=today, pregnancy_ids=active)


def forwards(apps, schema_editor):
    _recompute(apps, schema_editor, NAEGELE_SQL, _naegele)


def backwards(apps, schema_editor):
    _recompute(apps, schema_editor, OLD_RULE_SQL, _old_rule)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("pregnancies", "0008_edd_change"),
        # The alerts it re-plans, as they stand at this point.
        ("notifications", "0007_delivery_urgent_first"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
