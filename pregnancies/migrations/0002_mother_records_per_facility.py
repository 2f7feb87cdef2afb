"""Each facility keeps its own record of a mother (docs/mothers.md): first half.

Adds Person (one row per NIK) and the links from each Mother record and Pregnancy to
it, still optional; 0003 fills them in, 0004 makes them required."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("pregnancies", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("nik", models.CharField(max_length=16, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name="mother",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="pregnancies.person",
            ),
        ),
        migrations.AddField(
            model_name="mother",
            name="facility",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.facility",
            ),
        ),
        migrations.AddField(
            model_name="mother",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="pregnancy",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pregnancies",
                to="pregnancies.person",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="pregnancy", name="one_active_pregnancy_per_mother"
        ),
        # The copies share the NIK until it moves to Person.
        migrations.AlterField(
            model_name="mother", name="nik", field=models.CharField(max_length=16)
        ),
    ]
