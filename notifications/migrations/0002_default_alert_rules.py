"""The default milestones of docs/domain.md ("Alerts to doctors"); admins edit them later."""

from django.db import migrations

ALL = ["low", "high", "very_high"]
HIGH = ["high", "very_high"]
DEFAULTS = [
    # milestone, days relative to the EDD, bands, urgent
    ("edd_minus_56", -56, HIGH, False),
    ("edd_minus_28", -28, ALL, False),
    ("edd_minus_14", -14, ALL, False),
    ("edd_minus_7", -7, ALL, False),
    ("edd", 0, ALL, False),
    ("post_term_7", 7, ALL, False),
    ("post_term_14", 14, ALL, True),
]


def add_defaults(apps, schema_editor):
    AlertRule = apps.get_model("notifications", "AlertRule")
    for milestone, offset, bands, urgent in DEFAULTS:
        AlertRule.objects.get_or_create(
            milestone=milestone,
            defaults={"offset_days": offset, "bands": bands, "urgent": urgent},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
