from __future__ import annotations

from datetime import date

import pytest

from pregnancies.rules.kspr import (
    ALL_CODES,
    FACTORS,
    GIVEN_CODES,
    Assessment,
    age_at_pregnancy_start,
    assess,
    derived_factors,
    kspr_score,
    risk_band,
    unknown_codes,
)

NEUTRAL = {"age_years": 25, "gravida": 2, "para": 1, "height_cm": 155, "ga_days": 100}


def test_it_keeps_one_row_per_code_and_only_4_or_8_points():
    codes = [f.code for f in FACTORS]
    assert len(codes) == len(set(codes)) == len(ALL_CODES)
    assert {f.points for f in FACTORS} == {4, 8}


def test_it_lets_the_midwife_send_only_the_non_derived_codes():
    derived = {"too_young", "old_first_pregnancy", "age_35_plus", "many_children"}
    derived |= {"short_stature", "post_term"}
    assert ALL_CODES - GIVEN_CODES == derived


@pytest.mark.parametrize(
    ("codes", "unknown"),
    [
        ([], []),
        (["twins", "breech"], []),
        (["twins", "tripplets", "x", "tripplets"], ["tripplets", "x"]),
    ],
)
def test_it_lists_unknown_codes_once_in_the_order_given(codes, unknown):
    assert unknown_codes(codes) == unknown


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"age_years": 16, "gravida": 1, "para": 0}, {"too_young"}),
        ({"age_years": 17, "gravida": 1, "para": 0}, set()),
        ({"age_years": 16, "gravida": 2}, set()),
        ({"age_years": 34, "gravida": 1, "para": 0}, set()),
        ({"age_years": 35, "gravida": 1, "para": 0}, {"old_first_pregnancy", "age_35_plus"}),
        ({"age_years": 34}, set()),
        ({"age_years": 35}, {"age_35_plus"}),
        ({"age_years": None, "gravida": 1, "para": 0}, set()),
        ({"gravida": 5, "para": 3}, set()),
        ({"gravida": 5, "para": 4}, {"many_children"}),
        ({"height_cm": 146}, set()),
        ({"height_cm": 145.5}, set()),
        ({"height_cm": 145}, {"short_stature"}),
        ({"height_cm": None}, set()),
        ({"ga_days": 293}, set()),
        ({"ga_days": 294}, {"post_term"}),
        ({"ga_days": None}, set()),
    ],
)
def test_it_derives_factors_at_the_card_boundaries(changes, expected):
    assert derived_factors(**{**NEUTRAL, **changes}) == expected


@pytest.mark.parametrize(("gravida", "para"), [(0, 0), (1, -1)])
def test_it_refuses_impossible_obstetric_history(gravida, para):
    with pytest.raises(ValueError):
        derived_factors(**{**NEUTRAL, "gravida": gravida, "para": para})


@pytest.mark.parametrize(
    ("codes", "score"),
    [
        ([], 2),
        (["twins"], 6),
        (["breech"], 10),
        (["twins", "twins"], 6),  # a code counts once
        (["twins", "anaemia", "breech"], 18),
    ],
)
def test_it_adds_factor_points_to_the_base_score_of_2(codes, score):
    assert kspr_score(codes) == score


def test_it_refuses_to_score_unknown_codes():
    with pytest.raises(ValueError):
        kspr_score(["twins", "not_a_factor"])


@pytest.mark.parametrize(
    ("score", "band"),
    [(2, "low"), (5, "low"), (6, "high"), (10, "high"), (11, "high"), (12, "very_high")]
    + [(14, "very_high"), (30, "very_high")],
)
def test_it_bands_scores_as_ranges(score, band):
    assert risk_band(score) == band


def test_it_refuses_a_score_below_the_base():
    with pytest.raises(ValueError):
        risk_band(1)


@pytest.mark.parametrize(
    ("given", "changes", "expected"),
    [
        ([], {}, Assessment([], 2, "low")),
        (["twins", "anaemia"], {}, Assessment(["anaemia", "twins"], 10, "high")),
        (
            ["previous_caesarean"],
            {"age_years": 36, "height_cm": 140},
            Assessment(["age_35_plus", "short_stature", "previous_caesarean"], 18, "very_high"),
        ),
        # derived codes typed by the client are ignored, then recomputed
        (["short_stature", "age_35_plus", "twins"], {}, Assessment(["twins"], 6, "high")),
        (
            ["post_term"],
            {"ga_days": 294, "gravida": 1, "para": 0, "age_years": 16},
            Assessment(["too_young", "post_term"], 10, "high"),
        ),
    ],
)
def test_it_assesses_given_and_derived_factors_in_card_order(given, changes, expected):
    assert assess(given=given, **{**NEUTRAL, **changes}) == expected


def test_it_refuses_to_assess_unknown_given_codes():
    with pytest.raises(ValueError):
        assess(given=["twins", "nope"], **NEUTRAL)


@pytest.mark.parametrize(
    ("dob", "age"),
    [
        (date(1990, 11, 25), 35),
        (date(1990, 11, 26), 34),  # turns 35 mid-pregnancy: still 34
    ],
)
def test_it_takes_the_mothers_age_at_the_start_of_the_pregnancy(dob, age):
    assert age_at_pregnancy_start(dob, start=date(2025, 11, 25)) == age
