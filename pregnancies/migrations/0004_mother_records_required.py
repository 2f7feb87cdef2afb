"""Last part of the split (0002, 0003): the new links become required, the NIK lives only
in Person, and the database allows one active pregnancy per person. Separate from the
data migration so PostgreSQL alters no table with the copy's trigger events pending."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("pregnancies", "0003_split_mother_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mother",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="pregnancies.person",
            ),
        ),
        migrations.AlterField(
            model_name="mother",
            name="facility",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.facility",
            ),
        ),
        migrations.AlterField(
            model_name="pregnancy",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pregnancies",
                to="pregnancies.person",
            ),
        ),
        migrations.RemoveField(model_name="mother", name="nik"),
        migrations.AddConstraint(
            model_name="mother",
            constraint=models.UniqueConstraint(
                fields=("person", "facility"), name="one_mother_record_per_facility"
            ),
        ),
        migrations.AddConstraint(
            model_name="pregnancy",
            constraint=models.UniqueConstraint(
                condition=Q(status="active"),
                fields=("person",),
                name="one_active_pregnancy_per_person",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="disclosed",
            field=models.CharField(
                blank=True,
                choices=[
                    ("nothing", "Nothing"),
                    ("facility_name", "Facility Name"),
                    ("referred_pregnancy", "Referred Pregnancy"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="matched_facilities",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="pregnancy_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("list", "List"),
                    ("read", "Read"),
                    ("create", "Create"),
                    ("update", "Update"),
                    ("match", "Match"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="target",
            field=models.CharField(
                choices=[
                    ("pregnancy", "Pregnancy"),
                    ("visit", "Visit"),
                    ("outcome", "Outcome"),
                    ("person", "Person"),
                ],
                max_length=20,
            ),
        ),
    ]
