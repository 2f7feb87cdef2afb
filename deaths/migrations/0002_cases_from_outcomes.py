"""Every death already recorded on an outcome becomes a case, so the counts the dashboard
takes from the cases do not drop on deploy (docs/deaths.md, "Before this app").

An outcome with ``mother_died`` is a maternal death on its death date; a stillbirth from
22 weeks a perinatal death on the outcome's date. Each is a case notified when the
outcome was recorded, by whoever recorded it. Their steps are owed as for any case, but
the health office is not alerted for the past: the deadlines are marked told.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

PERINATAL_MIN_DAYS = 22 * 7


def forwards(apps, schema_editor):
    Outcome = apps.get_model("pregnancies", "Outcome")
    DeathCase = apps.get_model("deaths", "DeathCase")
    DeathDeadline = apps.get_model("deaths", "DeathDeadline")
    CaseCounter = apps.get_model("deaths", "CaseCounter")
    FacilitySummary = apps.get_model("deaths", "FacilitySummary")
    tz = ZoneInfo(settings.TIME_ZONE)
    now = datetime.now(tz)
    outcomes = Outcome.objects.select_related(
        "pregnancy__mother", "pregnancy__facility", "recorded_by"
    ).order_by("created_at")
    for outcome in outcomes.iterator():
        pregnancy = outcome.pregnancy
        found = []
        if outcome.mother_died and outcome.mother_death_date is not None:
            found.append(("maternal", outcome.mother_death_date))
        # Day 0 as pregnancies.rules.dates.ga_start counts it (docs/domain.md, "Pregnancy
        # dates"): the LMP for an LMP EDD, EDD - 280 days for an ultrasound one.
        if pregnancy.edd_source == "lmp" and pregnancy.lmp is not None:
            start = pregnancy.lmp
        else:
            start = pregnancy.edd - timedelta(days=280)
        ga_days = (outcome.date - start).days
        if outcome.kind == "stillbirth" and ga_days >= PERINATAL_MIN_DAYS:
            found.append(("perinatal", outcome.date))
        for kind, day in found:
            kinds = ["perinatal"] if kind == "perinatal" else ["maternal", "late_maternal"]
            if DeathCase.objects.filter(
                person_id=pregnancy.person_id, died_on=day, kind__in=kinds
            ).exists():
                continue
            counter, _ = CaseCounter.objects.get_or_create(year=day.year)
            counter.last += 1
            counter.save()
            died_at = datetime.combine(day, time.min, tzinfo=tz)
            due = died_at + timedelta(days=1, hours=settings.DEATH_NOTIFICATION_HOURS)
            notified_at = outcome.created_at
            mother = pregnancy.mother
            by = outcome.recorded_by
            case = DeathCase.objects.create(
                case_number=f"AMP-{day.year}-{counter.last:04d}",
                kind=kind,
                person_id=pregnancy.person_id,
                pregnancy=pregnancy,
                full_name=mother.full_name,
                date_of_birth=mother.date_of_birth,
                village=mother.village,
                village_place_id=mother.village_place_id,
                district_id=(
                    mother.village_place.district_id
                    if mother.village_place_id
                    else pregnancy.facility.district_id
                ),
                died_at=died_at,
                died_on=day,
                died_time_known=False,
                gestational_weeks=ga_days // 7 if kind == "perinatal" else None,
                days_after_end=(day - outcome.date).days if kind == "maternal" else None,
                baby_born_at=died_at if kind == "perinatal" else None,
                facility_id=by.facility_id or pregnancy.facility_id,
                notified_by=by,
                notified_at=notified_at,
                notification_due=due,
                notified_late=notified_at > due,
                source="migration",
            )
            steps = [("verbal_autopsy", notified_at + timedelta(days=14))]
            if kind == "maternal":
                steps.append(("screening", notified_at + timedelta(days=7)))
            DeathDeadline.objects.bulk_create(
                DeathDeadline(case=case, step=step, due_at=due_at, overdue_alerted_at=now)
                for step, due_at in steps
            )
            FacilitySummary.objects.create(case=case, events=[], filled_at=now)


class Migration(migrations.Migration):
    dependencies = [("deaths", "0001_initial"), ("pregnancies", "0007_risk_history_and_referrals")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
