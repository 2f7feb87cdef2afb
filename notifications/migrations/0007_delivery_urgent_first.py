"""Urgent pushes are claimed before routine ones (docs/alerts-urgent.md): each delivery
carries its alert's ``urgent``, and the dispatcher's index reads urgent ones first."""

from django.db import migrations, models


def copy_urgent(apps, schema_editor):
    # Deliveries still to be sent take their alert's flag; sent ones keep False.
    Delivery = apps.get_model("notifications", "Delivery")
    Delivery.objects.filter(
        status__in=["queued", "retry", "sending"], alert__urgent=True
    ).update(urgent=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_merge_wakeup_and_attempt_outcome"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="delivery",
            name="delivery_due",
        ),
        migrations.AddField(
            model_name="delivery",
            name="urgent",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(copy_urgent, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status__in", ["queued", "retry"])),
                fields=["-urgent", "next_attempt_at"],
                name="delivery_due_urgent_first",
            ),
        ),
    ]
