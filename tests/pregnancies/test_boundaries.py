"""EDD, gestational age and KSPR at their boundaries, through the API.

tests/pregnancies/rules has the pure-function tables; these check that registration
applies them: ages 16 and 35 (at the start of the pregnancy), 145 cm, scores 2, 6, 10, 14
(and the band limit 12), LMP and ultrasound EDD limits, 42 weeks.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.rules.kspr import risk_band
from tests.pregnancies.helpers import TODAY, URL, body, days_ago, mother

LMP = days_ago(70)  # the pregnancy starts on 30 December 2025


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def registered(api, user, **overrides) -> dict:
    response = api(user).post(URL, body(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    ("dob", "gravida", "para", "expected"),
    [
        # Age at the start of the pregnancy (the LMP), the card's "16 or younger".
        (years_before(LMP, 16), 1, 0, {"too_young"}),
        (years_before(LMP, 17) + timedelta(days=1), 1, 0, {"too_young"}),  # 17 tomorrow
        (years_before(LMP, 17), 1, 0, set()),
        (years_before(LMP, 16), 2, 1, set()),  # not a first pregnancy
        # "35 or older": both items for a first pregnancy, one for later ones.
        (years_before(LMP, 35), 1, 0, {"old_first_pregnancy", "age_35_plus"}),
        (years_before(LMP, 35), 2, 1, {"age_35_plus"}),
        (years_before(LMP, 35) + timedelta(days=1), 2, 1, set()),  # 35 tomorrow
    ],
)
def test_it_scores_the_age_factors_at_their_boundaries(api, ana, dob, gravida, para, expected):
    data = registered(
        api, ana, mother=mother(dob=dob), lmp=LMP.isoformat(), gravida=gravida, para=para
    )

    assert set(data["risk_factors"]) == expected
    assert data["kspr_score"] == 2 + 4 * len(expected)


@pytest.mark.parametrize(
    ("height", "short"),
    [(144.9, True), (145, True), ("145.0", True), (145.04, True), (145.1, False), (160, False)],
)
def test_it_scores_short_stature_at_145_cm_or_less(api, ana, height, short):
    data = registered(api, ana, height_cm=height)

    assert ("short_stature" in data["risk_factors"]) is short


@pytest.mark.parametrize(
    ("para", "many"),
    [(3, False), (4, True)],
)
def test_it_scores_many_children_from_four(api, ana, para, many):
    data = registered(api, ana, gravida=para + 1, para=para)

    assert ("many_children" in data["risk_factors"]) is many


@pytest.mark.parametrize(
    ("factors", "score", "band"),
    [
        ([], 2, "low"),
        (["twins"], 6, "high"),
        (["breech"], 10, "high"),
        (["twins", "anaemia"], 10, "high"),
        (["breech", "twins"], 14, "very_high"),
        (["breech", "previous_caesarean", "twins"], 22, "very_high"),
    ],
)
def test_it_scores_and_bands_at_the_band_limits(api, ana, factors, score, band):
    data = registered(api, ana, risk_factors=factors)

    assert (data["kspr_score"], data["risk_band"]) == (score, band)


def test_the_band_limit_12_is_very_high_though_no_card_sums_to_it():
    # Scores are 2 + 4k, so 12 never comes out of a card; the bands are ranges anyway.
    assert [risk_band(s) for s in (2, 5, 6, 10, 11, 12, 14)] == [
        "low",
        "low",
        "high",
        "high",
        "high",
        "very_high",
        "very_high",
    ]


@pytest.mark.parametrize(
    ("lmp_days_ago", "ok", "edd", "ga"),
    [
        # The EDDs by hand: LMP + 7 days, then + 9 months (or that month's last day).
        (0, True, "2026-12-17", {"weeks": 0, "days": 0}),  # 2026-03-10
        (-1, False, None, None),  # tomorrow
        (293, True, "2026-02-28", {"weeks": 41, "days": 6}),  # 2025-05-21: 28 May + 9 months
        (294, True, "2026-02-27", {"weeks": 42, "days": 0}),  # 2025-05-20
        (308, True, "2026-02-13", {"weeks": 44, "days": 0}),  # 44 weeks ago: still plausible
        (309, False, None, None),
    ],
)
def test_it_checks_the_lmp_at_its_limits(api, ana, lmp_days_ago, ok, edd, ga):
    response = api(ana).post(URL, body(lmp=days_ago(lmp_days_ago).isoformat()), format="json")

    assert response.status_code == (201 if ok else 400)
    if ok:
        data = response.json()
        assert data["edd"] == edd
        assert data["gestational_age"] == ga
    else:
        assert "lmp" in response.json()


@pytest.mark.parametrize(
    ("lmp_days_ago", "post_term", "score"),
    [(293, False, 2), (294, True, 6)],
)
def test_it_derives_post_term_from_42_weeks(api, ana, lmp_days_ago, post_term, score):
    data = registered(api, ana, lmp=days_ago(lmp_days_ago).isoformat())

    assert ("post_term" in data["risk_factors"]) is post_term
    assert data["kspr_score"] == score


@pytest.mark.parametrize(
    ("edd_offset", "ok"),
    [(-28, True), (-29, False), (280, True), (281, False), (0, True)],
)
def test_it_checks_an_ultrasound_edd_at_its_limits(api, ana, edd_offset, ok):
    edd = TODAY + timedelta(days=edd_offset)

    response = api(ana).post(URL, body(lmp=None, edd=edd.isoformat()), format="json")

    assert response.status_code == (201 if ok else 400)
    if ok:
        ga_days = 280 - edd_offset
        assert response.json()["gestational_age"] == {"weeks": ga_days // 7, "days": ga_days % 7}
    else:
        assert "edd" in response.json()


@pytest.mark.parametrize(
    ("lmp", "edd", "ga"),
    [
        # LMP + 280 days would give 2026-04-06, 2026-02-24 and 2026-02-25.
        ("2025-06-30", "2026-04-07", {"weeks": 36, "days": 1}),
        ("2025-05-20", "2026-02-27", {"weeks": 42, "days": 0}),
        ("2025-05-24", "2026-02-28", {"weeks": 41, "days": 3}),  # 31 May + 9 months
    ],
)
def test_the_edd_is_the_buku_kias_calendar_rule_and_the_age_counts_from_the_lmp(
    api, ana, lmp, edd, ga
):
    data = registered(api, ana, lmp=lmp)

    assert data["edd"] == edd
    assert data["gestational_age"] == ga
