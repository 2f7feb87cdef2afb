"""Helpers the registry's services share: request digests, KSPR assessment, checks."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from jsc.people.models import Role, User
from pregnancies.errors import Errors
from pregnancies.models import Pregnancy
from pregnancies.rules import kspr
from pregnancies.rules.consistency import factor_contradictions, previous_outcome_error
from pregnancies.rules.dates import age_on
from pregnancies.rules.limits import MOTHER_AGE_MAX_YEARS, MOTHER_AGE_MIN_YEARS
from pregnancies.selectors import previous_outcome_dates


def request_digest(payload: dict) -> str:
    """sha256 of a canonical JSON form: sorted keys, no spaces, dates and decimals as text.

    Callers pass validated values with every optional key present (None when absent),
    so "edd omitted" and "edd: null" digest alike.
    """
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def given_codes(codes) -> list[str]:
    """The codes a midwife may give, deduplicated, in card order.

    Derived codes sent back (an app echoing the list it was shown) are not stored: the
    service computes them itself, and refuses those the data contradicts first
    (``contradicted_factor_errors``).
    """
    wanted = set(codes) & kspr.GIVEN_CODES
    return [f.code for f in kspr.FACTORS if f.code in wanted]


def assess_pregnancy(pregnancy: Pregnancy, *, date_of_birth: date, today: date) -> kspr.Assessment:
    """The full KSPR assessment of a pregnancy as it stands on `today`."""
    return kspr.assess(
        given=pregnancy.given_risk_factors,
        age_years=kspr.age_at_pregnancy_start(date_of_birth, start=pregnancy.ga_start),
        gravida=pregnancy.gravida,
        para=pregnancy.para,
        height_cm=float(pregnancy.height_cm) if pregnancy.height_cm is not None else None,
        ga_days=(today - pregnancy.ga_start).days,
    )


def apply_assessment(pregnancy: Pregnancy, assessment: kspr.Assessment) -> None:
    pregnancy.risk_factors = assessment.factors
    pregnancy.kspr_score = assessment.score
    pregnancy.risk_band = assessment.band


def contradicted_factor_errors(
    codes,
    *,
    date_of_birth: date | None,
    start: date | None,
    gravida: int,
    para: int,
    height_cm,
    today: date,
    errors: Errors,
) -> None:
    """Risk factor codes the mother's data contradicts: 400 on risk_factors, with why.

    Derived codes an app echoes back are accepted when the data bears them out (they
    are recomputed anyway); see rules/consistency.py. ``start``: day 0 of the
    gestational age (rules/dates.py, ``ga_start``).
    """
    if date_of_birth is None or start is None:
        return  # the date errors already stop this request
    derived = kspr.derived_factors(
        age_years=kspr.age_at_pregnancy_start(date_of_birth, start=start),
        gravida=gravida,
        para=para,
        height_cm=float(height_cm) if height_cm is not None else None,
        ga_days=(today - start).days,
    )
    known = [c for c in codes if c in kspr.ALL_CODES]
    for reason in factor_contradictions(known, derived=derived, gravida=gravida).values():
        errors.add("risk_factors", reason)


def previous_outcome_errors(
    *, mother, start: date, field: str, errors: Errors, by, exclude_pregnancy=None
) -> None:
    """A new pregnancy begins (``start``, day 0 of its gestational age) after the mother's
    previous outcome (rules/consistency.py)."""
    if message := previous_outcome_error(
        start=start,
        previous_outcomes=previous_outcome_dates(
            mother, by=by, exclude_pregnancy=exclude_pregnancy
        ),
    ):
        errors.add(field, message)


def unknown_factor_errors(codes, errors: Errors) -> None:
    if unknown := kspr.unknown_codes(codes):
        errors.add(
            "risk_factors",
            _("Unknown risk factor codes: %(codes)s.") % {"codes": ", ".join(unknown)},
        )


def history_errors(
    *, gravida: int, para: int, abortus: int, sent: set[str], errors: Errors
) -> None:
    """para + abortus (earlier births and losses) must stay below gravida (this one counts).

    The message names the fields the client sent, para and abortus first: they are
    the likelier typing error.
    """
    if para + abortus < gravida:
        return
    fields = [f for f in ("para", "abortus") if f in sent] or ["gravida"]
    message = _(
        "para + abortus (%(para)d + %(abortus)d) must be less than gravida (%(gravida)d): "
        "gravida counts this pregnancy too."
    ) % {"para": para, "abortus": abortus, "gravida": gravida}
    for field in fields:
        errors.add(field, message)


def mother_age_errors(dob: date, *, start: date, field: str, errors: Errors) -> None:
    age = age_on(dob, start) if dob <= start else -1
    if not MOTHER_AGE_MIN_YEARS <= age <= MOTHER_AGE_MAX_YEARS:
        errors.add(
            field,
            _(
                "The mother's age at the start of this pregnancy would be %(age)d years; "
                "it must be between %(min)d and %(max)d."
            )
            % {"age": max(age, 0), "min": MOTHER_AGE_MIN_YEARS, "max": MOTHER_AGE_MAX_YEARS},
            within="mother",
        )


def doctor_errors(doctor_id, facility_id, errors: Errors) -> None:
    """The named doctor must be an active doctor of the pregnancy's facility.

    One message whatever is wrong, so the answer reveals nothing about other facilities.
    """
    if doctor_id is None:
        return
    ok = User.objects.filter(
        pk=doctor_id, role=Role.DOCTOR, is_active=True, facility_id=facility_id
    ).exists()
    if not ok:
        errors.add("doctor", _("No active doctor of this facility has this id."))


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def pregnancy_start(pregnancy: Pregnancy) -> date:
    """The first day a visit or outcome may fall on: day 0 of the gestational age, or the
    LMP if later (an ultrasound EDD given with an LMP it does not agree with)."""
    start = pregnancy.ga_start
    return max(pregnancy.lmp, start) if pregnancy.lmp is not None else start
