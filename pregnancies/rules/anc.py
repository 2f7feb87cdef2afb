"""Antenatal care (ANC) rules: visit schedule, danger signs, vital-sign thresholds.

Source: docs/domain.md, "Antenatal care (ANC) visits" (the 2021 regulation's 1-2-3 split).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Minimum visits per trimester. The 2020 Buku KIA printed 2-1-3, the 2021
# regulation reads 1-2-3: edit this table, not the code that reads it.
ANC_SCHEDULE: dict[int, int] = {1: 1, 2: 2, 3: 3}
MIN_VISITS = sum(ANC_SCHEDULE.values())  # K6
# At least 2 of the visits with a doctor: one in trimester 1, one in trimester 3.
MIN_DOCTOR_VISITS = 2
DOCTOR_VISIT_TRIMESTERS: tuple[int, ...] = (1, 3)

# Hypertension: 140/90 mmHg or more (docs/domain.md, "Antenatal care (ANC) visits").
SYSTOLIC_HYPERTENSION_MMHG = 140
DIASTOLIC_HYPERTENSION_MMHG = 90

# Upper-arm circumference (LiLA) under 23.5 cm = chronic energy deficiency (KEK).
MUAC_KEK_CM = 23.5


@dataclass(frozen=True)
class DangerSign:
    code: str
    label_id: str  # Bahasa Indonesia, as in the Buku KIA
    label_en: str


# Any one of these is urgent (docs/domain.md, "Antenatal care (ANC) visits").
DANGER_SIGNS: tuple[DangerSign, ...] = (
    DangerSign("vaginal_bleeding", "Perdarahan dari jalan lahir", "Vaginal bleeding"),
    DangerSign("convulsions", "Kejang", "Convulsions"),
    DangerSign("severe_headache", "Sakit kepala hebat", "Severe headache"),
    DangerSign("blurred_vision", "Penglihatan kabur", "Blurred vision"),
    DangerSign("high_fever", "Demam tinggi", "High fever"),
    DangerSign("constant_vomiting", "Muntah terus dan tidak mau makan", "Constant vomiting"),
    DangerSign("swelling_face_hands", "Bengkak pada muka atau tangan", "Swelling of face or hands"),
    DangerSign(
        "reduced_fetal_movement",
        "Gerakan janin berkurang atau tidak terasa",
        "Reduced or absent fetal movement",
    ),
    DangerSign(
        "early_rupture_of_membranes",
        "Air ketuban keluar sebelum waktunya",
        "Early rupture of membranes",
    ),
    DangerSign("severe_abdominal_pain", "Nyeri perut hebat", "Severe abdominal pain"),
)
DANGER_SIGNS_BY_CODE: dict[str, DangerSign] = {s.code: s for s in DANGER_SIGNS}
DANGER_SIGN_CODES: frozenset[str] = frozenset(DANGER_SIGNS_BY_CODE)


def visit_label(n: int) -> str:
    """K1, K2, ...: visits are numbered in the order they happen."""
    if n < 1:
        raise ValueError("Visit numbers start at 1.")
    return f"K{n}"


def unknown_danger_signs(codes: Iterable[str]) -> list[str]:
    """Codes not in DANGER_SIGNS, deduplicated, in the order given."""
    return list(dict.fromkeys(c for c in codes if c not in DANGER_SIGN_CODES))


def is_hypertensive(systolic: int, diastolic: int) -> bool:
    """140/90 or more: either number reaching its limit is enough."""
    return systolic >= SYSTOLIC_HYPERTENSION_MMHG or diastolic >= DIASTOLIC_HYPERTENSION_MMHG


def has_chronic_energy_deficiency(muac_cm: float) -> bool:
    """LiLA strictly under 23.5 cm (23.5 itself is normal)."""
    return muac_cm < MUAC_KEK_CM
