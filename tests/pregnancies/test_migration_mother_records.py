"""Records made before mothers were kept per facility are split so that each facility
keeps what it had, and nothing is lost (migrations 0002 to 0004, docs/mothers.md)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("pregnancies", "0001_initial")]
AFTER = [("pregnancies", "0004_mother_records_required")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_a_mother_with_pregnancies_at_two_facilities_gets_a_record_at_each(old_apps):
    District = old_apps.get_model("people", "District")
    Facility = old_apps.get_model("people", "Facility")
    User = old_apps.get_model("people", "User")
    Mother = old_apps.get_model("pregnancies", "Mother")
    Pregnancy = old_apps.get_model("pregnancies", "Pregnancy")
    district = District.objects.create(name="Sumbersari")
    a = Facility.objects.create(code="A", name="A", kind="puskesmas", district=district)
    b = Facility.objects.create(code="B", name="B", kind="puskesmas", district=district)
    ana = User.objects.create(username="ana", role="midwife", facility=a)
    bayu = User.objects.create(username="bayu", role="midwife", facility=b)
    siti = Mother.objects.create(
        nik="3509215708950012",
        full_name="Siti Aminah",
        date_of_birth=date(1995, 8, 17),
        phone="+6281111111111",
    )
    Mother.objects.create(
        nik="3509215708950013", full_name="Lonely", date_of_birth=date(1995, 8, 17)
    )
    common = dict(
        lmp=date(2025, 1, 1),
        edd=date(2025, 10, 8),
        edd_source="lmp",
        gravida=2,
        para=1,
        abortus=0,
        kspr_score=2,
        risk_band="low",
        create_digest="x",
    )
    at_a = Pregnancy.objects.create(
        id=uuid.uuid4(), mother=siti, facility=a, registered_by=ana, status="delivered", **common
    )
    at_b = Pregnancy.objects.create(
        id=uuid.uuid4(), mother=siti, facility=b, registered_by=bayu, **common
    )

    apps = migrate(AFTER)

    Person = apps.get_model("pregnancies", "Person")
    Mother = apps.get_model("pregnancies", "Mother")
    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    person = Person.objects.get()
    assert person.nik == "3509215708950012"
    records = {r.facility_id: r for r in Mother.objects.filter(person=person)}
    assert set(records) == {a.pk, b.pk}
    assert records[a.pk].pk == siti.pk  # the first facility keeps the row and its id
    assert records[a.pk].recorded_by_id == ana.pk and records[b.pk].recorded_by_id == bayu.pk
    for record in records.values():
        assert (record.full_name, record.phone) == ("Siti Aminah", "+6281111111111")
    assert Pregnancy.objects.get(pk=at_a.pk).mother_id == records[a.pk].pk
    assert Pregnancy.objects.get(pk=at_b.pk).mother_id == records[b.pk].pk
    assert {p.person_id for p in Pregnancy.objects.all()} == {person.pk}
    assert Mother.objects.count() == 2  # the row no pregnancy referred to is gone
