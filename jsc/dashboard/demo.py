"""Demo reference figures for seed_demo: Jember's crude birth rate and a population for
every village, this year and last, marked ``demo`` so no page passes them off as real.

Plausible, not true: Jember has about 2.5 million people in 248 villages (about 10,000
a village) and a crude birth rate near 15 per 1,000 (about 35,000 births a year). A
year the health office already entered is left alone.
"""

from __future__ import annotations

import random

from django.utils import timezone

from jsc.dashboard.models import TargetYear, VillagePopulation
from jsc.people.models import Village

DEMO_CBR = 15
SEED = 3509


def seed(stdout) -> None:
    this_year = timezone.localdate().year
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
            VillagePopulation(target_year=target, village=v, population=rng.randint(3_000, 18_000))
            for v in villages
        )
        made.append(year)
    stdout.write(
        f"Demo targets: crude birth rate and village populations for {made or 'no new'} "
        "year(s), marked as demo."
    )
