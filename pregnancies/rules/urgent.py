"""What a visit finds: whether it is urgent, and which KSPR factors it adds to the card.

Our rules, written down in docs/alerts-urgent.md ("When a visit is urgent") and
docs/pregnancies.md ("The risk card follows the pregnancy"), after the Buku KIA's danger
signs, the KSPR card and the usual blood-pressure thresholds for (severe) hypertension
in pregnancy. Pure functions; every threshold is in this module and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pregnancies.rules.anc import DIASTOLIC_HYPERTENSION_MMHG, SYSTOLIC_HYPERTENSION_MMHG

# Severe hypertension: 160/110 mmHg or more (either number reaching its limit).
SYSTOLIC_SEVERE_MMHG = 160
DIASTOLIC_SEVERE_MMHG = 110

# Haemoglobin under 11 g/dL is anaemia in pregnancy (WHO; Buku KIA).
ANAEMIA_HB_BELOW = 11

# A visit reaching the server more than this long after its date (an app that was
# offline) is shown in the inbox, marked late, and is not pushed.
LATE_AFTER = timedelta(hours=72)

# The milestone name of the alert an urgent visit raises.
DANGER_SIGN_MILESTONE = "danger_sign"


@dataclass(frozen=True)
class Vitals:
    systolic: int | None = None
    diastolic: int | None = None
    hemoglobin: float | None = None
    danger_signs: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *, systolic=None, diastolic=None, hemoglobin=None, danger_signs=()) -> Vitals:
        return cls(
            systolic=systolic,
            diastolic=diastolic,
            hemoglobin=None if hemoglobin is None else float(hemoglobin),
            danger_signs=frozenset(danger_signs or ()),
        )


def _reaches(systolic: int | None, diastolic: int | None, limits: tuple[int, int]) -> bool:
    """Either number at or over its limit; an unmeasured number never counts."""
    return (systolic is not None and systolic >= limits[0]) or (
        diastolic is not None and diastolic >= limits[1]
    )


def is_hypertensive(v: Vitals) -> bool:
    return _reaches(
        v.systolic, v.diastolic, (SYSTOLIC_HYPERTENSION_MMHG, DIASTOLIC_HYPERTENSION_MMHG)
    )


def is_severely_hypertensive(v: Vitals) -> bool:
    return _reaches(v.systolic, v.diastolic, (SYSTOLIC_SEVERE_MMHG, DIASTOLIC_SEVERE_MMHG))


def is_urgent(v: Vitals) -> bool:
    """Any danger sign, or blood pressure of 160/110 or more."""
    return bool(v.danger_signs) or is_severely_hypertensive(v)


# (factor, test) in card order: the one table of what a visit adds to the KSPR card.
FINDINGS: tuple[tuple[str, str, object], ...] = (
    (
        "oedema_hypertension",
        "blood pressure 140/90 or more with swelling of face or hands",
        lambda v: is_hypertensive(v) and "swelling_face_hands" in v.danger_signs,
    ),
    (
        "antepartum_bleeding",
        "vaginal bleeding",
        lambda v: "vaginal_bleeding" in v.danger_signs,
    ),
    (
        "severe_preeclampsia",
        "convulsions; or 160/110 or more with severe headache or blurred vision",
        lambda v: (
            "convulsions" in v.danger_signs
            or (
                is_severely_hypertensive(v)
                and bool({"severe_headache", "blurred_vision"} & v.danger_signs)
            )
        ),
    ),
    (
        "anaemia",
        "haemoglobin under 11 g/dL",
        lambda v: v.hemoglobin is not None and v.hemoglobin < ANAEMIA_HB_BELOW,
    ),
)


def visit_findings(v: Vitals) -> list[str]:
    """The KSPR factor codes this visit's measurements and signs bear out."""
    return [code for code, _, test in FINDINGS if test(v)]


def is_late(*, visit_date, received_at: datetime, tz) -> bool:
    """More than 72 hours between the start of the visit's day (00:00 in Jember) and
    its arrival: a visit carries a date, not a time, so its date is where it starts."""
    day_start = datetime.combine(visit_date, datetime.min.time(), tzinfo=tz)
    return received_at - day_start > LATE_AFTER


def union_in_order(order: Iterable[str], *groups: Iterable[str]) -> list[str]:
    wanted = set().union(*map(set, groups))
    return [c for c in order if c in wanted]
