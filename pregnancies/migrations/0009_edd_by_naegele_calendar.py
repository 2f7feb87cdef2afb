"""Every EDD that came from the LMP, recomputed by Naegele's rule in its calendar form.

Before, the EDD from an LMP was LMP + 280 days; the Buku KIA's HPL is LMP + 7 days, then
+ 9 calendar months (the month's last day where that day does not exist), 0 to 3 days
later (docs/domain.md, "Pregnancy dates"). Ultrasound EDDs stay as they were.

Each EDD that moves is handled as a correction handles one (pregnancies/services/
updates.py): a row in its EDD history (source ``rule``, no user), ``updated_at`` moved so
that phones syncing by ``updated_since`` fetch it, and, for an active pregnancy, its
alerts re-planned as notifications.services.replan_for_pregnancies re-plans them: what no
phone received and nobody answered is dropped. What the new date owes is recorded by the
next alert scan, which beat runs at start and every ALERT_SCAN_INTERVAL_SECONDS. Closed
pregnancies get the new EDD and its history only: their alerts are history.

The re-planning is written here with the models as they stand at this migration's
dependencies, not by calling the alerts app: a database upgraded across this migration
runs it before later migrations of the alerts app, and today's code would ask for
columns those have not added yet. Tables made by later migrations are empty while it
runs, so nothing outside these models can point at an alert it drops.

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

from django.db import migrations, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

BATCH = 2000
FIRST_ID = uuid.UUID(int=0)  # below every id

# PostgreSQL adds months as relativedelta does, onto the month's last day when the day
# does not exist there ('2026-05-31' + 9 months = '2027-02-28');
# tests/pregnancies/test_migration_naegele.py checks it against edd_from_lmp day by day.
NAEGELE_SQL = "CAST({lmp} + 7 + INTERVAL '9 months' AS date)"
OLD_RULE_SQL = "({lmp} + 280)"


def _move_batch(apps, schema_editor, rule_sql, after, now):
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


def _replan(apps, pregnancy_ids):
    """replan_for_pregnancies as of notifications 0007: alerts of these pregnancies that
    no phone received, nobody answered and nobody escalated are dropped (with their
    deliveries), to be owed again on the new date. A danger_sign alert (one with a
    visit) is about a visit, not a date: it stays."""
    Alert = apps.get_model("notifications", "Alert")
    Delivery = apps.get_model("notifications", "Delivery")
    pushed = Delivery.objects.filter(alert=OuterRef("pk"), status__in=["sending", "sent"])
    Alert.objects.filter(
        pregnancy_id__in=pregnancy_ids,
        visit__isnull=True,
        status__in=["pending", "undelivered"],
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
    ).exclude(Exists(pushed)).delete()


def _recompute(apps, schema_editor, rule_sql):
    after = FIRST_ID
    while after is not None:
        with transaction.atomic(using=schema_editor.connection.alias):
            moved, after = _move_batch(apps, schema_editor, rule_sql, after, timezone.now())
            active = [pk for pk, status in moved if status == "active"]
            if active:
                _replan(apps, active)


def forwards(apps, schema_editor):
    _recompute(apps, schema_editor, NAEGELE_SQL)


def backwards(apps, schema_editor):
    _recompute(apps, schema_editor, OLD_RULE_SQL)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("pregnancies", "0008_edd_change"),
        # The alerts it re-plans, with the models as they stand at this point.
        ("notifications", "0007_delivery_urgent_first"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
