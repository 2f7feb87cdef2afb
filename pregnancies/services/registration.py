"""Registering a pregnancy: idempotent on the client's id, one active per mother."""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from pregnancies.audit import Action, Disclosed, audit_match, audit_record
from pregnancies.errors import RACED, Conflict, Errors, RuleViolation
from pregnancies.models import Pregnancy, PregnancyStatus, RiskSource
from pregnancies.rules.dates import check_dates, ga_start, resolve_edd
from pregnancies.rules.nik import normalize_nik
from pregnancies.services.common import (
    apply_assessment,
    assess_pregnancy,
    contradicted_factor_errors,
    doctor_errors,
    given_codes,
    history_errors,
    mother_age_errors,
    previous_outcome_errors,
    request_digest,
    unknown_factor_errors,
)
from pregnancies.services.mothers import (
    CONTACT_FIELDS,
    active_pregnancy_conflict,
    checked_birth_date,
    checked_nik,
    checked_village,
    mother_record_upsert,
    nik_match_audit,
    other_facilities_of,
)
from pregnancies.services.risk import risk_history_record
from pregnancies.signals import alerts_may_be_due, pregnancy_recorded

logger = logging.getLogger(__name__)

ACTIVE = PregnancyStatus.ACTIVE
ID_REUSED = gettext_lazy(
    "This id belongs to another registration; make a new id for a new pregnancy."
)


class _ActivePregnancyExists(Exception):
    def __init__(self, pregnancy_id, facility_id) -> None:
        self.pregnancy_id = pregnancy_id
        self.facility_id = facility_id


def create_digest(data: dict, pregnancy_id) -> str:
    """The digest of a create request, its id included, in canonical form.

    Canonical: the NIK normalised, risk factors as a sorted set, every optional field
    present, so a retry that differs only in spelling (key order, spaces in the NIK,
    "edd" omitted or null) is the same request.
    """
    mother = data["mother"]
    return request_digest(
        {
            "id": str(pregnancy_id),
            "mother": {
                "nik": normalize_nik(mother["nik"]),
                "full_name": mother["full_name"],
                "date_of_birth": mother.get("date_of_birth"),
                **{f: mother.get(f) or "" for f in CONTACT_FIELDS},
            },
            "lmp": data.get("lmp"),
            "edd": data.get("edd"),
            "gravida": data["gravida"],
            "para": data["para"],
            "abortus": data["abortus"],
            "height_cm": data.get("height_cm"),
            "risk_factors": sorted(set(data.get("risk_factors") or [])),
            "doctor": data.get("doctor"),
        }
    )


def _retried(pregnancy_id, *, facility_id, digest: str) -> Pregnancy | None:
    """The pregnancy an identical earlier request made, None if the id is free; 409 else.

    A registration of another facility with this id answers the same 409, with nothing
    about it.
    """
    found = Pregnancy.objects.filter(pk=pregnancy_id).first()
    if found is None:
        return None
    if (found.facility_id, found.create_digest) != (facility_id, digest):
        raise Conflict(ID_REUSED)
    return found


def _validated(data: dict, *, by, today: date) -> dict:
    """Every check that needs no lock, all errors at once; the values to store."""
    errors = Errors()
    mother = data["mother"]
    nik = checked_nik(mother["nik"], errors)
    dob = (
        checked_birth_date(nik, mother.get("date_of_birth"), today=today, errors=errors)
        if nik
        else None
    )
    edd = source = start = None
    if date_errors := check_dates(lmp=data.get("lmp"), edd=data.get("edd"), today=today):
        errors.merge(date_errors)
    else:
        edd, source = resolve_edd(lmp=data.get("lmp"), edd=data.get("edd"), today=today)
        start = ga_start(lmp=data.get("lmp"), edd=edd, edd_source=source)
    if dob is not None and start is not None:
        field = "date_of_birth" if mother.get("date_of_birth") else "nik"
        mother_age_errors(dob, start=start, field=field, errors=errors)
    history_errors(
        gravida=data["gravida"],
        para=data["para"],
        abortus=data["abortus"],
        sent={"gravida", "para", "abortus"},
        errors=errors,
    )
    unknown_factor_errors(data.get("risk_factors") or [], errors)
    contradicted_factor_errors(
        data.get("risk_factors") or [],
        date_of_birth=dob,
        start=start,
        gravida=data["gravida"],
        para=data["para"],
        height_cm=data.get("height_cm"),
        today=today,
        errors=errors,
    )
    doctor_errors(data.get("doctor"), by.facility_id, errors)
    village, place = checked_village(
        mother.get("village"), district=lambda: by.facility.district_id, errors=errors
    )
    errors.raise_if_any()
    return {
        "mother": {
            "nik": nik,
            "full_name": mother["full_name"],
            "date_of_birth": dob,
            **{f: mother.get(f) or "" for f in CONTACT_FIELDS},
            "village": village,
            "village_place": place,
        },
        # On a mother already known, only what this request gave is updated.
        "mother_given": {
            "full_name",
            *(f for f in CONTACT_FIELDS if f in mother),
            *(["date_of_birth"] if mother.get("date_of_birth") else []),
        },
        "edd": edd,
        "edd_source": source,
        "start": start,
    }


def pregnancy_register(*, data: dict, by, today: date) -> tuple[Pregnancy, bool]:
    """Register a pregnancy for the caller's facility; (pregnancy, created).

    ``data`` is the validated create body (``id`` optional). The same id with the same
    content returns the existing pregnancy with created False (an offline retry);
    the same id with other content raises Conflict (409). A mother with an active
    pregnancy raises Conflict naming it. Bad input raises RuleViolation (400) and
    writes nothing.
    """
    pregnancy_id = data.get("id") or uuid.uuid4()
    digest = create_digest(data, pregnancy_id)
    if data.get("id") and (
        found := _retried(pregnancy_id, facility_id=by.facility_id, digest=digest)
    ):
        return found, False
    values = _validated(data, by=by, today=today)

    try:
        pregnancy = _insert(pregnancy_id, data, values, digest=digest, by=by, today=today)
    except _ActivePregnancyExists as exc:
        if exc.pregnancy_id == pregnancy_id:  # our twin won the race
            return _retried(pregnancy_id, facility_id=by.facility_id, digest=digest), False
        raise active_pregnancy_conflict(exc.pregnancy_id, exc.facility_id, by=by) from None
    except RuleViolation:
        # Refused after her records were looked up (her previous outcome): the match
        # entry rolled back with the rest, so it is written again on its own.
        nik_match_audit(values["mother"]["nik"], by=by)
        raise
    # Ids only: no NIK, name or clinical detail ever reaches the logs.
    logger.info(
        "pregnancy %s registered at facility %s by user %s",
        pregnancy.pk,
        pregnancy.facility_id,
        by.pk,
    )
    return pregnancy, True


def _insert(pregnancy_id, data: dict, values: dict, *, digest: str, by, today: date):
    """The new pregnancy and the facility's record of its mother, in one transaction.

    A lost race (a unique index refusing the mother's second active pregnancy, or this
    id) rolls the whole transaction back and is settled by re-reading what committed;
    no savepoint is needed for that, since nothing before the insert must survive it.
    """
    inserted = False
    try:
        with transaction.atomic():
            record = mother_record_upsert(
                values["mother"],
                given=values["mother_given"],
                facility_id=by.facility_id,
                by=by,
            )
            mother = record.mother
            # A person first seen in this transaction has no pregnancy, outcome or other
            # facility's record yet (none can be committed before her), so those reads
            # are skipped; a known person's are made as always.
            if not record.new_person:
                active = (
                    Pregnancy.objects.filter(person_id=mother.person_id, status=ACTIVE)
                    .values_list("pk", "facility_id")
                    .first()
                )
                if active is not None:
                    raise _ActivePregnancyExists(*active)
            if not record.new:
                errors = Errors()
                previous_outcome_errors(
                    mother=mother,
                    start=values["start"],
                    field="edd" if data.get("edd") else "lmp",
                    errors=errors,
                    by=by,
                )
                errors.raise_if_any()  # rolls the mother's upsert back with it
            pregnancy = Pregnancy(
                id=pregnancy_id,
                mother=mother,
                person_id=mother.person_id,
                facility_id=by.facility_id,
                doctor_id=data.get("doctor"),
                registered_by=by,
                lmp=data.get("lmp"),
                edd=values["edd"],
                edd_source=values["edd_source"],
                gravida=data["gravida"],
                para=data["para"],
                abortus=data["abortus"],
                height_cm=data.get("height_cm"),
                given_risk_factors=given_codes(data.get("risk_factors") or []),
                create_digest=digest,
            )
            assessment = assess_pregnancy(
                pregnancy, date_of_birth=mother.date_of_birth, today=today
            )
            apply_assessment(pregnancy, assessment)
            pregnancy.save(force_insert=True)
            inserted = True
            risk_history_record(
                pregnancy=pregnancy, before=[], source=RiskSource.REGISTRATION, by=by
            )
            audit_record(user=by, action=Action.CREATE, pregnancy_id=pregnancy.pk)
            # A late registration may be owed a milestone now, not at the next scan.
            alerts_may_be_due.send(sender=Pregnancy, pregnancy=pregnancy, today=today)
            pregnancy_recorded.send(sender=Pregnancy, pregnancy=pregnancy, created=True)
            others = (
                []
                if record.new_person
                else other_facilities_of(mother.person_id, facility_id=by.facility_id)
            )
            if others:
                audit_match(
                    user=by,
                    person_id=mother.person_id,
                    matched_facilities=others,
                    disclosed=Disclosed.NOTHING,
                    pregnancy_id=pregnancy.pk,
                )
    except IntegrityError:
        if inserted:
            raise  # not a race of this registration: nothing below the insert expects one
        # Lost a race: the same request's twin inserted this id first, or another
        # registration made the mother's active pregnancy. Both are committed now.
        if found := _retried(pregnancy_id, facility_id=by.facility_id, digest=digest):
            # Our twin: the caller answers it as the retry it is (same id).
            raise _ActivePregnancyExists(found.pk, found.facility_id) from None
        active = _active_for_nik(values["mother"]["nik"])
        if active is None:
            # Nothing committed explains it. Re-raising would put PostgreSQL's DETAIL
            # ("Key (nik)=(...)") in the error log; say so with ids only instead.
            logger.warning(
                "registration of pregnancy %s at facility %s by user %s met a unique "
                "index no re-read explains; answered 409",
                pregnancy_id,
                by.facility_id,
                by.pk,
            )
            raise Conflict(RACED) from None
        raise _ActivePregnancyExists(*active) from None
    return pregnancy


def _active_for_nik(nik: str):
    return (
        Pregnancy.objects.filter(person__nik=nik, status=ACTIVE)
        .values_list("pk", "facility_id")
        .first()
    )
