from __future__ import annotations

import pytest

from pregnancies.rules.anc import (
    ANC_SCHEDULE,
    DANGER_SIGN_CODES,
    DANGER_SIGNS,
    MIN_DOCTOR_VISITS,
    MIN_VISITS,
    has_chronic_energy_deficiency,
    is_hypertensive,
    unknown_danger_signs,
    visit_label,
)


def test_it_schedules_six_visits_split_1_2_3_with_two_doctor_visits():
    assert ANC_SCHEDULE == {1: 1, 2: 2, 3: 3}
    assert MIN_VISITS == 6
    assert MIN_DOCTOR_VISITS == 2


@pytest.mark.parametrize(("n", "label"), [(1, "K1"), (4, "K4"), (6, "K6"), (7, "K7")])
def test_it_labels_visits_k_and_their_number(n, label):
    assert visit_label(n) == label


def test_it_refuses_visit_number_zero():
    with pytest.raises(ValueError):
        visit_label(0)


def test_it_knows_the_ten_danger_signs_with_labels_in_both_languages():
    assert len(DANGER_SIGNS) == len(DANGER_SIGN_CODES) == 10
    assert all(s.label_id and s.label_en for s in DANGER_SIGNS)


@pytest.mark.parametrize(
    ("codes", "unknown"),
    [
        ([], []),
        (["convulsions", "high_fever"], []),
        (["convulsions", "headache", "headache", "x"], ["headache", "x"]),
    ],
)
def test_it_lists_unknown_danger_signs_once(codes, unknown):
    assert unknown_danger_signs(codes) == unknown


@pytest.mark.parametrize(
    ("systolic", "diastolic", "hypertensive"),
    [
        (120, 80, False),
        (139, 89, False),
        (140, 80, True),
        (120, 90, True),
        (160, 110, True),
    ],
)
def test_it_calls_140_over_90_or_more_hypertension(systolic, diastolic, hypertensive):
    assert is_hypertensive(systolic, diastolic) is hypertensive


@pytest.mark.parametrize(("muac", "kek"), [(23.4, True), (23.5, False), (28, False), (20, True)])
def test_it_flags_chronic_energy_deficiency_under_23_5_cm(muac, kek):
    assert has_chronic_energy_deficiency(muac) is kek
