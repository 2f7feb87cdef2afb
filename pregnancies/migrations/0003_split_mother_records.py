"""Each facility keeps its own record of a mother (docs/mothers.md).

Before this, one Mother row per NIK held whatever the last registration wrote. The
split keeps every pregnancy's data: each row becomes a Person (the NIK) and one Mother
record per facility that has a pregnancy of hers, each a copy of the row as it stood.
(What a facility typed before another overwrote it was never stored, so it cannot be
brought back; the copies are equal, so the health office starts with no conflict.)
"""

import uuid

from django.db import migrations


def split_mothers(apps, schema_editor):
    Mother = apps.get_model("pregnancies", "Mother")
    Person = apps.get_model("pregnancies", "Person")
    Pregnancy = apps.get_model("pregnancies", "Pregnancy")
    for mother in Mother.objects.order_by("created_at", "id").iterator():
        pregnancies = list(
            Pregnancy.objects.filter(mother_id=mother.id).order_by("created_at", "id")
        )
        if not pregnancies:
            # Nothing refers to a row without a pregnancy: no facility recorded it.
            mother.delete()
            continue
        person = Person.objects.create(id=uuid.uuid4(), nik=mother.nik)
        records = {}
        for pregnancy in pregnancies:
            record = records.get(pregnancy.facility_id)
            if record is None:
                if not records:
                    record = mother
                else:
                    record = Mother.objects.get(pk=mother.pk)
                    record.pk = uuid.uuid4()
                    record.id = record.pk
                record.person_id = person.id
                record.facility_id = pregnancy.facility_id
                record.recorded_by_id = pregnancy.registered_by_id
                record.save()
                records[pregnancy.facility_id] = record
            pregnancy.mother_id = record.id
            pregnancy.person_id = person.id
            pregnancy.save(update_fields=["mother", "person"])


class Migration(migrations.Migration):
    dependencies = [("pregnancies", "0002_mother_records_per_facility")]

    operations = [migrations.RunPython(split_mothers, migrations.RunPython.noop)]
