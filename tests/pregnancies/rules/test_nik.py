from __future__ import annotations

from datetime import date

import pytest

from pregnancies.rules.nik import (
    is_female_nik,
    nik_birth_date,
    nik_errors,
    normalize_nik,
)

TODAY = date(2026, 3, 10)
SUMBERSARI = "350921"  # Jember (35.09), kecamatan Sumbersari (35.09.21)
PATRANG = "350920"  # Jember, kecamatan Patrang (35.09.20)


def build_nik(place6: str, dob: date, *, female: bool, serial: int = 1) -> str:
    """A NIK as Dukcapil lays it out: place, DDMMYY (women: day + 40), serial."""
    day = dob.day + 40 if female else dob.day
    return f"{place6}{day:02d}{dob.month:02d}{dob.year % 100:02d}{serial:04d}"


ANA_DOB = date(1995, 8, 17)
ANA = build_nik(SUMBERSARI, ANA_DOB, female=True, serial=12)  # "3509215708950012"
BAYU = build_nik(PATRANG, date(1990, 1, 5), female=False, serial=3)  # "3509200501900003"
YOUNG_DOB = date(2004, 2, 29)
YOUNG = build_nik(SUMBERSARI, YOUNG_DOB, female=True)  # born 2004: stdnum reads 1904
WRONG_DATE = "The NIK's birth date (digits 7-12) does not match the date of birth."
BAD_DATE = "The NIK's birth date (digits 7-12) is not a valid date."


def test_the_helper_builds_the_dukcapil_layout():
    assert ANA == "3509215708950012"
    assert BAYU == "3509200501900003"


@pytest.mark.parametrize(
    ("nik", "dob"),
    [
        (ANA, ANA_DOB),
        (ANA, None),
        (BAYU, date(1990, 1, 5)),
        (YOUNG, YOUNG_DOB),
        (build_nik(SUMBERSARI, date(2001, 12, 31), female=True, serial=9999), None),
        (build_nik("350901", date(2000, 2, 29), female=True), date(2000, 2, 29)),
    ],
)
def test_it_accepts_valid_jember_niks(nik, dob):
    assert nik_errors(nik, dob) == []


@pytest.mark.parametrize(
    ("nik", "dob", "errors"),
    [
        (ANA, date(1995, 8, 18), [WRONG_DATE]),
        (ANA, date(1995, 9, 17), [WRONG_DATE]),
        (ANA, date(1996, 8, 17), [WRONG_DATE]),
        (YOUNG, date(2004, 3, 1), [WRONG_DATE]),
        ("9909215708950012", None, ["The NIK's province code (digits 1-2) is unknown."]),
        ("3599215708950012", None, ["The NIK's regency code (digits 3-4) is unknown."]),
        ("3509005708950012", None, ["The NIK's district code (digits 5-6) cannot be 00."]),
        ("350921570895001", None, ["The NIK must be exactly 16 digits long."]),
        ("35092157089500123", None, ["The NIK must be exactly 16 digits long."]),
        ("", None, ["The NIK must contain only the digits 0-9."]),
        ("3509215708950O12", None, ["The NIK must contain only the digits 0-9."]),
        ("3509 2157 0895 0012", None, ["The NIK must contain only the digits 0-9."]),
        ("3509210013950012", None, [BAD_DATE]),  # month 13
        ("3509213002950012", None, [BAD_DATE]),  # 30 February
        ("3509217002950012", None, [BAD_DATE]),  # 30 February, female
        ("3509210008950012", None, [BAD_DATE]),  # day 00
        ("3509214008950012", None, [BAD_DATE]),  # day 40
        ("3509218108950012", None, [BAD_DATE]),  # day 81: stdnum takes it as day 1
        ("9909213002950012", None, ["The NIK's province code (digits 1-2) is unknown.", BAD_DATE]),
    ],
)
def test_it_explains_what_is_wrong_with_a_nik(nik, dob, errors):
    assert nik_errors(nik, dob) == errors


def test_it_never_puts_the_nik_in_a_message():
    for nik in (ANA, "9909215708950012", "3509218108950012"):
        for message in nik_errors(nik, date(1980, 1, 1)):
            assert nik not in message
            assert nik[6:12] not in message


@pytest.mark.parametrize(
    ("nik", "require_female", "errors"),
    [
        (ANA, True, []),
        (BAYU, False, []),
        (BAYU, True, ["The NIK is not a woman's NIK (women's day of birth is plus 40)."]),
    ],
)
def test_it_can_require_a_womans_nik(nik, require_female, errors):
    assert nik_errors(nik, None, require_female=require_female) == errors


@pytest.mark.parametrize(("nik", "female"), [(ANA, True), (YOUNG, True), (BAYU, False)])
def test_it_tells_women_from_men_by_the_day_plus_40(nik, female):
    assert is_female_nik(nik) is female


def test_it_refuses_to_sex_a_malformed_nik():
    with pytest.raises(ValueError):
        is_female_nik("1234")


@pytest.mark.parametrize(
    ("nik", "born"),
    [
        (ANA, ANA_DOB),
        (BAYU, date(1990, 1, 5)),
        (YOUNG, YOUNG_DOB),  # stdnum alone would say 1904
        (build_nik(SUMBERSARI, date(2000, 2, 29), female=True), date(2000, 2, 29)),
        (build_nik(SUMBERSARI, date(1926, 3, 10), female=True), date(2026, 3, 10)),  # today
        (build_nik(SUMBERSARI, date(1926, 3, 11), female=True), date(1926, 3, 11)),
    ],
)
def test_it_reads_the_birth_date_in_the_latest_century_not_in_the_future(nik, born):
    assert nik_birth_date(nik, TODAY) == born


@pytest.mark.parametrize("nik", ["3509213002950012", "3509218108950012", "12345"])
def test_it_refuses_to_read_an_impossible_birth_date(nik):
    with pytest.raises(ValueError):
        nik_birth_date(nik, TODAY)


def test_it_normalizes_separators_away():
    assert normalize_nik(" 3509.2157-0895 0012 ") == ANA
