"""What a client may send: lengths, list sizes and plausible ranges, in one place.

These are sanity limits on input, not clinical thresholds (those live in dates.py,
kspr.py and anc.py). A value outside them is a typing or unit error (a weight in
grams, a blood pressure of 1200), answered with 400 naming the field.
"""

from __future__ import annotations

from decimal import Decimal

# Strings. The NIK may arrive with spaces, dots or dashes (it is printed "3509 2157 ...");
# after normalisation it must be exactly 16 digits (nik.py).
NIK_INPUT_MAX_LENGTH = 32
NAME_MAX_LENGTH = 150
PHONE_MAX_LENGTH = 20
VILLAGE_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 300
PLACE_MAX_LENGTH = 150
DEATH_CAUSE_MAX_LENGTH = 300
NOTES_MAX_LENGTH = 2000
SEARCH_MAX_LENGTH = 150

# Code lists (risk_factors, danger_signs): the tables have 28 and 10 codes.
CODE_MAX_LENGTH = 40
CODES_MAX_ITEMS = 40

# Obstetric history. gravida counts this pregnancy, so it is at least 1, and
# para + abortus (earlier births and losses) must stay below it.
GRAVIDA_MAX = 25
HEIGHT_CM_MIN = Decimal("100")
HEIGHT_CM_MAX = Decimal("200")

# The mother's age at the start of the pregnancy. A NIK or date of birth giving an age
# outside this range is a typing error, not a pregnancy.
MOTHER_AGE_MIN_YEARS = 10
MOTHER_AGE_MAX_YEARS = 60

# Outcome: babies born alive in one delivery.
BABIES_BORN_ALIVE_MAX = 6

# ANC visit measurements: (lowest, highest) accepted, inclusive.
VISIT_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "systolic": (Decimal(50), Decimal(300)),  # mmHg
    "diastolic": (Decimal(30), Decimal(200)),  # mmHg
    "weight_kg": (Decimal(20), Decimal(250)),
    "hemoglobin": (Decimal(3), Decimal(25)),  # g/dL
    "muac_cm": (Decimal(10), Decimal(60)),  # upper-arm circumference (LiLA)
    "fundal_height_cm": (Decimal(0), Decimal(60)),
    "fetal_heart_rate": (Decimal(50), Decimal(250)),  # beats per minute
}
