"""Demo figures for seed_demo, marked ``demo`` so no page passes them off as real.

- Targets: Jember's crude birth rate (about 15 per 1,000) and a population for every
  village, this year and last. The demo registers 300 pregnancies, about one in a hundred
  of Jember's (some 35,000 births a year in about 2.5 million people), so each village's
  demo population is a hundredth of a plausible one (30 to 180 instead of 3,000 to
  18,000): coverage then reads as it would with every pregnancy registered. A year the
  health office already entered is left alone.
- Alert history: the demo's alerts are all raised today and none is answered; so that the
  alert response page has something to show, two in three are moved back by up to three
  days and acknowledged 10 minutes to 30 hours after they were raised (first run only).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from jsc.dashboard.models import TargetYear, VillagePopulation
from jsc.people.models import Village
from notifications.models import Alert
from notifications.settle import acknowledged_pushes_cancel

DEMO_CBR = 15
DEMO_SCALE = 100  # the demo holds about 1 in 100 of Jember's pregnancies
SEED = 3509


def _targets(this_year: int) -> list[int]:
    villages = list(Village.objects.filter(code__startswith="35.09.").order_by("code"))
    made = []
    for year in (this_year - 1, this_year):
        target, created = TargetYear.objects.get_or_create(
            year=year, defaults={"crude_birth_rate_per_1000": DEMO_CBR, "demo": True}
        )
        if not created:
            continue
        rng = random.Random(SEED)
        VillagePopulation.objects.bulk_create(
            VillagePopulation(
                target_year=target,
                village=v,
                population=rng.randint(3_000, 18_000) // DEMO_SCALE,
            )
            for v in villages
        )
        made.append(year)
    return made


def _alert_history() -> int:
    if Alert.objects.filter(acknowledged_at__isnull=False).exists():
        return 0
    now = timezone.now()
    alerts = list(
        Alert.objects.filter(escalated_from__isnull=True, pregnancy__isnull=False).order_by("id")
    )
    rng = random.Random(SEED)
    answered = []
    for alert in alerts:
        raised = now - timedelta(minutes=rng.randint(60, 72 * 60))
        took = timedelta(minutes=rng.randint(10, 30 * 60))
        alert.created_at = raised
        if alert.sent_at is not None:
            alert.sent_at = raised
        if rng.random() < 2 / 3 and raised + took < now:
            alert.acknowledged_at = raised + took
            answered.append(alert)
    Alert.objects.bulk_update(alerts, ["created_at", "sent_at", "acknowledged_at"])
    # Answered before any push: never pushed, as for any alert (notifications/dispatch.py).
    acknowledged_pushes_cancel(alert_ids=[a.pk for a in answered], now=now)
    return len(answered)


def seed(stdout) -> None:
    made = _targets(timezone.localdate().year)
    _alert_history()
    years = " and ".join(str(y) for y in made)
    stdout.write(
        f"Demo targets: birth rate and village populations, {years} (marked demo)."
        if made
        else "Demo targets: entered on an earlier run."
    )
