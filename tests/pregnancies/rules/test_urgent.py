"""Table tests of what a visit finds (pregnancies/rules/urgent.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pregnancies.rules import kspr
from pregnancies.rules.anc import DANGER_SIGN_CODES
from pregnancies.rules.urgent import FINDINGS, Vitals, is_late, is_urgent, visit_findings

JAKARTA = ZoneInfo("Asia/Jakarta")


def v(systolic=None, diastolic=None, hemoglobin=None, *signs) -> Vitals:
    return Vitals.of(
        systolic=systolic, diastolic=diastolic, hemoglobin=hemoglobin, danger_signs=signs
    )


@pytest.mark.parametrize(
    ("vitals", "urgent"),
    [
        (v(), False),
        (v(120, 80, 12), False),
        (v(150, 100), False),  # hypertension, not severe
        (v(159, 109), False),
        (v(160, 90), True),  # systolic alone reaches 160
        (v(130, 110), True),  # diastolic alone reaches 110
        (v(None, 110), True),
        (v(160, None), True),
        (v(110, 70, 9.0), False),  # anaemia is a factor, not an emergency
        *[(v(110, 70, None, sign), True) for sign in sorted(DANGER_SIGN_CODES)],
    ],
)
def test_a_visit_is_urgent_with_a_danger_sign_or_severe_hypertension(vitals, urgent):
    assert is_urgent(vitals) is urgent


@pytest.mark.parametrize(
    ("vitals", "found"),
    [
        (v(120, 80, 12), []),
        # Hypertension with swelling of face or hands.
        (v(140, 80, None, "swelling_face_hands"), ["oedema_hypertension"]),
        (v(130, 90, None, "swelling_face_hands"), ["oedema_hypertension"]),
        (v(139, 89, None, "swelling_face_hands"), []),
        (v(150, 95), []),
        # Convulsions alone; or 160/110 with severe headache or blurred vision.
        (v(None, None, None, "convulsions"), ["severe_preeclampsia"]),
        (v(160, 100, None, "severe_headache"), ["severe_preeclampsia"]),
        (v(120, 110, None, "blurred_vision"), ["severe_preeclampsia"]),
        (v(159, 109, None, "severe_headache", "blurred_vision"), []),
        (v(165, 112), []),  # severe hypertension alone is urgent, not a card factor
        # Vaginal bleeding.
        (v(None, None, None, "vaginal_bleeding"), ["antepartum_bleeding"]),
        # Haemoglobin under 11 g/dL.
        (v(None, None, 10.9), ["anaemia"]),
        (v(None, None, 11.0), []),
        # Several at once, in card order.
        (
            v(170, 115, 9.5, "swelling_face_hands", "severe_headache", "vaginal_bleeding"),
            ["oedema_hypertension", "antepartum_bleeding", "severe_preeclampsia", "anaemia"],
        ),
    ],
)
def test_each_visit_finding_enters_its_kspr_factor(vitals, found):
    assert sorted(visit_findings(vitals)) == sorted(found)


def test_every_finding_names_a_factor_the_midwife_could_also_give():
    for code, _, _ in FINDINGS:
        assert code in kspr.GIVEN_CODES


@pytest.mark.parametrize(
    ("arrived_after_day_start", "late"),
    [
        (timedelta(hours=10), False),
        (timedelta(hours=72), False),
        (timedelta(hours=72, seconds=1), True),
        (timedelta(days=10), True),
    ],
)
def test_a_visit_is_late_more_than_72_hours_after_its_date(arrived_after_day_start, late):
    day = date(2026, 3, 1)
    received = datetime(2026, 3, 1, tzinfo=JAKARTA) + arrived_after_day_start

    assert is_late(visit_date=day, received_at=received, tz=JAKARTA) is late
