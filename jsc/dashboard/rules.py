"""Every number of the dashboard the health office may want to change, in one table.

Sources and reasoning: docs/dashboard.md. Code reads these names; never repeat a
literal elsewhere.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pregnancies.rules.anc import ANC_SCHEDULE, DOCTOR_VISIT_TRIMESTERS
from pregnancies.rules.dates import TRIMESTER_1_MAX_DAYS, TRIMESTER_2_MAX_DAYS

# Targets (sasaran) from population: expected pregnant women = 1.10 x CBR x population;
# expected deliveries = 1.05 x CBR x population (PWS KIA guidance).
PREGNANCY_TARGET_FACTOR = Decimal("1.10")
DELIVERY_TARGET_FACTOR = Decimal("1.05")
# A crude birth rate outside this range (per 1,000 people a year) is a typing error.
CBR_MIN = Decimal(5)
CBR_MAX = Decimal(50)
POPULATION_MAX = 10_000_000

# The PWS KIA indicators in the order the pages show them.
INDICATORS: tuple[str, ...] = ("k1_akses", "k1_murni", "k4", "k6", "pn", "risk_detected")
INDICATOR_LABELS = {
    "k1_akses": _("K1 access"),
    "k1_murni": _("K1 in trimester 1"),
    "k4": _("K4"),
    "k6": _("K6"),
    "pn": _("Deliveries by health workers (Pn)"),
    "risk_detected": _("High risk detected"),
}
# Local annual targets (percent of the target population) when the health office sets
# none for the year. "Often 95% for K1 and K4"; the rest are our defaults.
DEFAULT_ANNUAL_TARGET_PCT: dict[str, int] = {
    "k1_akses": 95,
    "k1_murni": 85,
    "k4": 95,
    "k6": 90,
    "pn": 95,
    # About 20% of pregnancies are expected to carry a risk or complication.
    "risk_detected": 20,
}
# Pn is counted over expected deliveries; every other indicator over expected pregnancies.
OVER_DELIVERIES = frozenset({"pn"})

# Contacts per trimester that make K4 (1-1-2); K6 follows the ANC table (1-2-3) with its
# doctor visits (pregnancies.rules.anc).
K4_SCHEDULE: dict[int, int] = {1: 1, 2: 1, 3: 2}
K6_SCHEDULE: dict[int, int] = dict(ANC_SCHEDULE)
K6_DOCTOR_TRIMESTERS: tuple[int, ...] = DOCTOR_VISIT_TRIMESTERS
TRIMESTER_MAX_DAYS = {1: TRIMESTER_1_MAX_DAYS, 2: TRIMESTER_2_MAX_DAYS}

# Overview and lists.
DUE_SOON_DAYS = 14
HIGH_RISK_DUE_WITHIN_DAYS_DEFAULT = 14
HIGH_RISK_DUE_WITHIN_DAYS_MAX = 308  # a whole pregnancy
EXPECTED_DELIVERY_WEEKS = 8
MMR_PER = 100_000
DEATH_YEARS_SHOWN = 5

# What each band means for the birth plan: the KSPR card's own table.
BIRTH_PLAN = {
    "low": {
        "care_by": _("midwife"),
        "referral": _("none"),
        "place": _("home or village maternity post (polindes)"),
        "attendant": _("midwife"),
    },
    "high": {
        "care_by": _("midwife or doctor"),
        "referral": _("midwife or puskesmas"),
        "place": _("polindes, puskesmas or hospital"),
        "attendant": _("midwife or doctor"),
    },
    "very_high": {
        "care_by": _("doctor"),
        "referral": _("hospital"),
        "place": _("hospital"),
        "attendant": _("doctor"),
    },
}

# PWS status: this month's cumulative coverage against the cumulative target line, and
# this month's own coverage against last month's.
STATUS_GOOD = "baik"  # above and rising
STATUS_FAIR = "kurang"  # above and falling
STATUS_IMPROVING = "cukup"  # below and rising
STATUS_POOR = "jelek"  # below and falling
STATUS_LABELS = {
    STATUS_GOOD: _("good (above, rising)"),
    STATUS_FAIR: _("fair (above, falling)"),
    STATUS_IMPROVING: _("improving (below, rising)"),
    STATUS_POOR: _("poor (below, falling)"),
}
STATUS_COLOURS = {
    STATUS_GOOD: "#1a7f37",
    STATUS_FAIR: "#2f6fdb",
    STATUS_IMPROVING: "#d4a017",
    STATUS_POOR: "#c62828",
}


def pws_status(*, coverage_pct: float, target_pct: float, month_pct: float, last_month_pct: float):
    above = coverage_pct >= target_pct
    rising = month_pct >= last_month_pct
    if above:
        return STATUS_GOOD if rising else STATUS_FAIR
    return STATUS_IMPROVING if rising else STATUS_POOR
