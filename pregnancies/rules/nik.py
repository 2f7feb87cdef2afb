"""NIK (Nomor Induk Kependudukan) checks for registering a mother.

Layout: PPRRSS (province, regency, district) + DDMMYY (women: day + 40) + 4-digit
serial (docs/domain.md, "NIK"). The NIK is sensitive personal data, so no message
here ever contains it, and no log line anywhere does (logs carry ids only).

python-stdnum's `validate` looks up only the province (its `id/loc` data has
regencies but no districts, and `validate` reads only the first level), and
reduces any day field modulo 40; we check the regency and the day ranges too.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik
from stdnum.util import isdigits

NIK_LENGTH = 16
# The list's search matches a NIK by its first digits from this many on: the place code
# (PPRRSS), so a midwife with half a card in view still finds the mother; fewer digits
# would match most of the facility's list.
NIK_PREFIX_MIN_LENGTH = 6
FEMALE_DAY_OFFSET = 40  # women's NIKs carry day of birth + 40


def normalize_nik(nik: str) -> str:
    """Strip spaces, dots and dashes: store and match this form."""
    return stdnum_nik.compact(nik)


def _place_errors(nik: str) -> list[str]:
    parts = numdb.get("id/loc").info(nik[:4])
    if not parts[0][1]:
        return [_("The NIK's province code (digits 1-2) is unknown.")]
    if len(parts) < 2 or not parts[1][1]:
        return [_("The NIK's regency code (digits 3-4) is unknown.")]
    if nik[4:6] == "00":
        return [_("The NIK's district code (digits 5-6) cannot be 00.")]
    return []


def _nik_date_parts(nik: str) -> tuple[int, int, int] | None:
    """(day, month, two-digit year) with the +40 removed, or None when impossible."""
    day = int(nik[6:8])
    if FEMALE_DAY_OFFSET < day <= FEMALE_DAY_OFFSET + 31:
        day -= FEMALE_DAY_OFFSET
    elif not 1 <= day <= 31:
        return None  # stdnum would accept e.g. 81 as day 1 (it takes day % 40)
    try:
        stdnum_nik.get_birth_date(nik)  # month range and day-in-month (29 Feb etc.)
    except ValidationError:
        return None
    return day, int(nik[8:10]), int(nik[10:12])


def nik_errors(nik: str, date_of_birth: date | None, *, require_female: bool = False) -> list[str]:
    """Messages for everything wrong with `nik` (empty list = valid).

    Checks digits, length, province and regency codes, the encoded birth date,
    and, when `date_of_birth` is given, that they agree on day, month and
    two-digit year (the NIK has no century). `require_female` rejects a man's NIK.
    """
    if not isdigits(nik):
        return [_("The NIK must contain only the digits 0-9.")]
    if len(nik) != NIK_LENGTH:
        return [_("The NIK must be exactly %(length)d digits long.") % {"length": NIK_LENGTH}]
    errors = _place_errors(nik)
    parts = _nik_date_parts(nik)
    if parts is None:
        errors.append(_("The NIK's birth date (digits 7-12) is not a valid date."))
    else:
        day, month, yy = parts
        if date_of_birth is not None and (
            date_of_birth.day,
            date_of_birth.month,
            date_of_birth.year % 100,
        ) != (day, month, yy):
            errors.append(_("The NIK's birth date (digits 7-12) does not match the date of birth."))
        if require_female and not is_female_nik(nik):
            errors.append(_("The NIK is not a woman's NIK (women's day of birth is plus 40)."))
    if not errors and not stdnum_nik.is_valid(nik):  # guard: stdnum must agree
        errors.append(_("The NIK is not valid."))
    return errors


def is_female_nik(nik: str) -> bool:
    """Women's NIKs carry day of birth + 40 (digits 7-8 from 41 to 71)."""
    if not isdigits(nik) or len(nik) != NIK_LENGTH:
        raise ValueError(_("Not a 16-digit NIK."))
    return int(nik[6:8]) > FEMALE_DAY_OFFSET


def nik_birth_date(nik: str, today: date) -> date:
    """The birth date in the NIK, in the latest century that puts it on or before today.

    stdnum's `get_birth_date` tries 19xx first, so a mother born in 2004 would
    come out as 1904; this one gives 2004, and anyone over 99 a century too late.
    """
    parts = _nik_date_parts(nik) if isdigits(nik) and len(nik) == NIK_LENGTH else None
    if parts is None:
        raise ValueError(_("The NIK's birth date is not a valid date."))
    day, month, yy = parts
    century = today.year // 100 * 100
    for year in (century + yy, century - 100 + yy):
        try:
            born = date(year, month, day)
        except ValueError:  # 29 February in a non-leap century year
            continue
        if born <= today:
            return born
    raise ValueError(_("The NIK's birth date is not a date in the last 100 years."))
