"""Migration 0009: every EDD from the LMP recomputed by Naegele's calendar rule, each move
written into the EDD's history and its alerts re-planned as a correction re-plans them
(docs/domain.md, "Pregnancy dates"; docs/pregnancies.md, "The EDD's history")."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications.owed import alerts_owed
from pregnancies.rules.dates import edd_from_lmp
from tests.pregnancies.helpers import JAKARTA

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = import_module("pregnancies.migrations.0009_edd_by_naegele_calendar")
BEFORE = [("pregnancies", "0008_edd_change")]
AFTER = [("pregnancies", "0009_edd_by_naegele_calendar")]
# Today: P's EDD was today + 7 by LMP + 280 days (2027-02-24); it is today + 10 by the
# calendar (2027-02-27).
TODAY = date(2027, 2, 17)


def migrate(targets):
    """Migrate to ``targets``; the models as they stand then, every other app's included
    (they stay at their latest migration)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    apps_moved = {app for app, _ in targets}
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in apps_moved]
    return executor.loader.project_state(targets + others).apps


@pytest.fixture
def old_apps(frozen_day):
    frozen_day.move_to(datetime(2027, 2, 17, 9, 0, tzinfo=JAKARTA))
    apps = migrate(BEFORE)
    # The default alert rules (a data migration a transactional test's flush removes).
    import_module("notifications.migrations.0002_default_alert_rules").add_defaults(
        current_apps, None
    )
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


class World:
    """Pregnancies as they stood before the migration, made with its models."""

    def __init__(self, apps, *, midwife, doctor):
        self.apps, self.midwife, self.doctor = apps, midwife, doctor
        self.serial = 0
        Device = apps.get_model("notifications", "Device")
        self.device = Device.objects.create(
            token="fcm-" + "d" * 150, platform="android", user_id=doctor.pk
        )

    def pregnancy(self, *, lmp, edd, source="lmp", status="active"):
        self.serial += 1
        Person = self.apps.get_model("pregnancies", "Person")
        Mother = self.apps.get_model("pregnancies", "Mother")
        Pregnancy = self.apps.get_model("pregnancies", "Pregnancy")
        person = Person.objects.create(id=uuid.uuid4(), nik=f"350921570895{self.serial:04d}")
        mother = Mother.objects.create(
            id=uuid.uuid4(),
            person=person,
            facility_id=self.midwife.facility_id,
            full_name=f"Ibu {self.serial}",
            date_of_birth=date(1995, 8, 17),
        )
        return Pregnancy.objects.create(
            id=uuid.uuid4(),
            mother=mother,
            person=person,
            facility_id=self.midwife.facility_id,
            registered_by_id=self.midwife.pk,
            lmp=lmp,
            edd=edd,
            edd_source=source,
            gravida=2,
            para=1,
            abortus=0,
            kspr_score=2,
            risk_band="low",
            status=status,
            create_digest="before",
        )

    def alert(self, pregnancy, milestone, *, status="pending", pushed=False, **fields):
        Alert = self.apps.get_model("notifications", "Alert")
        Delivery = self.apps.get_model("notifications", "Delivery")
        alert = Alert.objects.create(
            id=uuid.uuid4(),
            pregnancy=pregnancy,
            milestone=milestone,
            recipient_id=self.doctor.pk,
            edd=pregnancy.edd,
            risk_band="low",
            status=status,
            **fields,
        )
        if pushed:
            Delivery.objects.create(
                alert=alert, device=self.device, status="sent", next_attempt_at=timezone.now()
            )
        return alert


def alerts_of(pregnancy) -> dict[str, tuple]:
    from notifications.models import Alert

    return {a.milestone: (a.status, a.edd) for a in Alert.objects.filter(pregnancy_id=pregnancy.pk)}


def test_it_recomputes_each_lmp_edd_replans_its_alerts_and_writes_its_history(old_apps, ana, citra):
    world = World(old_apps, midwife=ana, doctor=citra)
    # P: its 4- and 2-week alerts went out; the 1-week one is owed today on the old EDD,
    # not pushed yet.
    p = world.pregnancy(lmp=date(2026, 5, 20), edd=date(2027, 2, 24))
    world.alert(p, "edd_minus_28", status="sent", pushed=True, acknowledged_at=timezone.now())
    world.alert(p, "edd_minus_14", status="sent", pushed=True)
    world.alert(p, "edd_minus_7")
    # Q: registered late, so only the 1-week alert was owed, and it waits in the inbox.
    q = world.pregnancy(lmp=date(2026, 5, 20), edd=date(2027, 2, 24))
    world.alert(q, "edd_minus_7", status="undelivered")
    # Already the calendar's date, an ultrasound EDD, a closed pregnancy.
    same = world.pregnancy(lmp=date(2026, 6, 1), edd=date(2027, 3, 8))
    scan = world.pregnancy(lmp=date(2026, 5, 20), edd=date(2027, 2, 24), source="ultrasound")
    closed = world.pregnancy(lmp=date(2025, 5, 20), edd=date(2026, 2, 24), status="delivered")
    world.alert(closed, "edd", status="undelivered")
    before = {x.pk: x.updated_at for x in (p, same)}
    started = timezone.now()

    apps = migrate(AFTER)

    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    EddChange = apps.get_model("pregnancies", "EddChange")
    edds = dict(Pregnancy.objects.values_list("id", "edd"))
    assert edds == {
        p.pk: date(2027, 2, 27),
        q.pk: date(2027, 2, 27),
        same.pk: date(2027, 3, 8),
        scan.pk: date(2027, 2, 24),  # an ultrasound EDD stays as given
        closed.pk: date(2026, 2, 27),
    }
    history = {
        c.pregnancy_id: (c.old_edd, c.new_edd, c.edd_source, c.source, c.by_id)
        for c in EddChange.objects.all()
    }
    assert history == {
        p.pk: (date(2027, 2, 24), date(2027, 2, 27), "lmp", "rule", None),
        q.pk: (date(2027, 2, 24), date(2027, 2, 27), "lmp", "rule", None),
        closed.pk: (date(2026, 2, 24), date(2026, 2, 27), "lmp", "rule", None),
    }
    after = dict(Pregnancy.objects.values_list("id", "updated_at"))
    assert after[p.pk] >= started  # phones syncing by updated_since fetch the new EDD
    assert after[same.pk] == before[same.pk]

    # As a correction: what went out stays, with the EDD it went out for; the 1-week
    # alert nobody got is dropped, to be owed on the new date (2027-02-20).
    assert alerts_of(p) == {
        "edd_minus_28": ("sent", date(2027, 2, 24)),
        "edd_minus_14": ("sent", date(2027, 2, 24)),
    }
    owed_then = {(a.pregnancy_id, a.milestone, a.edd) for a in alerts_owed(today=date(2027, 2, 20))}
    assert (p.pk, "edd_minus_7", date(2027, 2, 27)) in owed_then
    # ...and what the new date owes today is recorded at once: Q is 10 days from it.
    assert alerts_of(q) == {"edd_minus_14": ("pending", date(2027, 2, 27))}
    # A closed pregnancy's alerts are history.
    assert alerts_of(closed) == {"edd": ("undelivered", date(2026, 2, 24))}


def test_backwards_it_puts_back_lmp_plus_280_days_the_same_way(old_apps, ana, citra):
    world = World(old_apps, midwife=ana, doctor=citra)
    q = world.pregnancy(lmp=date(2026, 5, 20), edd=date(2027, 2, 24))
    migrate(AFTER)
    assert alerts_of(q) == {"edd_minus_14": ("pending", date(2027, 2, 27))}

    apps = migrate(BEFORE)

    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    EddChange = apps.get_model("pregnancies", "EddChange")
    assert Pregnancy.objects.get(pk=q.pk).edd == date(2027, 2, 24)
    assert list(EddChange.objects.order_by("id").values_list("old_edd", "new_edd")) == [
        (date(2027, 2, 24), date(2027, 2, 27)),
        (date(2027, 2, 27), date(2027, 2, 24)),
    ]
    assert alerts_of(q) == {"edd_minus_7": ("pending", date(2027, 2, 24))}


def test_it_works_through_the_table_in_batches(old_apps, ana, citra, monkeypatch):
    world = World(old_apps, midwife=ana, doctor=citra)
    # 17 to 23 May: 24 to 30 May + 9 months, 24 to 28 February (LMP + 280: 21 to 27).
    lmps = [date(2026, 5, 17) + timedelta(days=i) for i in range(7)]
    for lmp in lmps:
        world.pregnancy(lmp=lmp, edd=lmp + timedelta(days=280))
    monkeypatch.setattr(MIGRATION, "BATCH", 2)

    apps = migrate(AFTER)

    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    assert sorted(Pregnancy.objects.values_list("edd", flat=True)) == [
        date(2027, 2, 24),
        date(2027, 2, 25),
        date(2027, 2, 26),
        date(2027, 2, 27),
        date(2027, 2, 28),
        date(2027, 2, 28),
        date(2027, 2, 28),
    ]
    assert apps.get_model("pregnancies", "EddChange").objects.count() == 7


def test_its_sql_gives_edd_from_lmp_for_every_lmp_of_40_years():
    # The migration moves EDDs in one statement per batch, with PostgreSQL's month
    # arithmetic; it must agree with the service's function day by day.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(d AS date), "
            + MIGRATION.NAEGELE_SQL.format(lmp="CAST(d AS date)")
            + " FROM generate_series(DATE '2000-01-01', DATE '2039-12-31', INTERVAL '1 day') d"
        )
        rows = cursor.fetchall()

    assert len(rows) == 14610
    assert [lmp for lmp, edd in rows if edd != edd_from_lmp(lmp)] == []
