"""Correcting a pregnancy (PATCH): dates, obstetric history, risk factors, doctor, mother.

Every derived value (EDD, KSPR factors, score, band) is recomputed from the stored
inputs after the change. An EDD that moves sends ``edd_changed`` inside the
transaction, so the alerts app re-plans in the same commit.

Once the pregnancy has an outcome, its clinical record is history: only the mother's
name and contact details may still change (her address and phone matter for the
postpartum visits). Anything else that would change answers 400 naming the field; a
client sending back the values it was shown changes nothing and is accepted.

A facility a pregnancy was referred to corrects the pregnancy and the name and contact
details of the mother's record it carries, never her NIK or date of birth: those are who
the record is on every pregnancy the registering facility keeps under it, and those
other pregnancies were not handed over (docs/mothers.md, "What a receiving facility may
correct"). A NIK typed here is checked only against what the caller's facility may see,
and a match with another facility's records is audited whatever the answer.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregnancies.audit import Action, audit_record
from pregnancies.errors import RACED, Conflict, Errors
from pregnancies.models import (
    EddChange,
    EddSource,
    Mother,
    Pregnancy,
    PregnancyStatus,
    RiskSource,
    Visit,
)
from pregnancies.rules.dates import check_dates, edd_from_lmp
from pregnancies.rules.nik import nik_errors, normalize_nik
from pregnancies.services.common import (
    apply_assessment,
    assess_pregnancy,
    contradicted_factor_errors,
    doctor_errors,
    given_codes,
    history_errors,
    mother_age_errors,
    pregnancy_start,
    previous_outcome_errors,
    unknown_factor_errors,
)
from pregnancies.services.mothers import (
    CONTACT_FIELDS,
    active_pregnancy_conflict,
    checked_birth_date,
    checked_nik,
    checked_village,
    nik_match_audit,
    nik_taken_at_facility,
    person_for_nik,
)
from pregnancies.services.risk import band_rose, risk_history_record
from pregnancies.signals import alerts_may_be_due, edd_changed, pregnancy_recorded

logger = logging.getLogger(__name__)

# Model attribute -> the request field that changes it, for what is frozen after an outcome.
FROZEN_AFTER_OUTCOME = {
    "lmp": "lmp",
    "edd": "edd",
    "edd_source": "edd",
    "gravida": "gravida",
    "para": "para",
    "abortus": "abortus",
    "height_cm": "height_cm",
    "given_risk_factors": "risk_factors",
    "doctor_id": "doctor",
}
# The mother's identity, by the record's attribute and the request's field.
MOTHER_FROZEN_AFTER_OUTCOME = {"person_id": "nik", "date_of_birth": "date_of_birth"}
CLOSED = gettext_lazy(
    "The pregnancy has an outcome recorded; only the mother's name and contact details can change."
)
NOT_YOUR_RECORD = gettext_lazy(
    "Only the facility that registered this mother can correct her NIK or date of birth."
)


class _ActiveElsewhere(Exception):
    """The corrected NIK's person has an active pregnancy on another record: answered
    409 once the update's transaction has rolled back, so its audit entry stays."""

    def __init__(self, pregnancy_id, facility_id) -> None:
        self.pregnancy_id = pregnancy_id
        self.facility_id = facility_id


def pregnancy_update(*, pregnancy: Pregnancy, data: dict, by, today: date) -> Pregnancy:
    """Apply a validated PATCH body to ``pregnancy``; RuleViolation (400) on bad input.

    A NIK typed that is not the record's own is looked up afterwards, whatever the
    answer, and a match with another facility's records is audited (docs/mothers.md,
    "Audit of matches"); the 409 for her active pregnancy elsewhere audits its own.
    """
    typed_nik = _typed_nik(data, pregnancy)
    answered_409 = False
    try:
        return _update(pregnancy=pregnancy, data=data, by=by, today=today)
    except _ActiveElsewhere as exc:
        answered_409 = True
        raise active_pregnancy_conflict(exc.pregnancy_id, exc.facility_id, by=by) from None
    finally:
        if typed_nik and not answered_409:
            nik_match_audit(typed_nik, by=by)


def _typed_nik(data: dict, pregnancy: Pregnancy) -> str | None:
    """The NIK the request typed, when it is not the one the record carries already (an
    app echoing the mother it was shown types nothing new)."""
    sent = (data.get("mother") or {}).get("nik")
    if sent is None:
        return None
    nik = normalize_nik(sent)
    return None if nik == pregnancy.mother.person.nik else nik


def _update(*, pregnancy: Pregnancy, data: dict, by, today: date) -> Pregnancy:
    with transaction.atomic():
        pregnancy = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        mother = (
            Mother.objects.select_related("person")
            .select_for_update(of=("self",))
            .get(pk=pregnancy.mother_id)
        )
        before = {attr: getattr(pregnancy, attr) for attr in FROZEN_AFTER_OUTCOME}
        mother_before = {attr: getattr(mother, attr) for attr in MOTHER_FROZEN_AFTER_OUTCOME}
        start_before = pregnancy.ga_start
        errors = Errors()

        _apply_dates(pregnancy, data, today=today, errors=errors)
        # By the calendar rule two LMPs can give one EDD (22, 23 and 24 May all give
        # 28 February): the start of the pregnancy can move while the EDD stays.
        start_moved = pregnancy.ga_start != start_before
        _apply_history(pregnancy, data, errors=errors)
        if "height_cm" in data:
            pregnancy.height_cm = data["height_cm"]
        if "risk_factors" in data:
            unknown_factor_errors(data["risk_factors"], errors)
            pregnancy.given_risk_factors = given_codes(data["risk_factors"])
        if "doctor" in data:
            doctor_errors(data["doctor"], pregnancy.facility_id, errors)
            pregnancy.doctor_id = data["doctor"]
        mother_changed = _apply_mother(
            mother,
            data.get("mother") or {},
            pregnancy,
            by=by,
            start_moved=start_moved,
            today=today,
            errors=errors,
        )
        if pregnancy.edd != before["edd"] or pregnancy.lmp != before["lmp"]:
            _visits_still_inside(pregnancy, data, errors=errors)
        if start_moved and "edd" not in errors.fields:
            previous_outcome_errors(
                mother=mother,
                start=pregnancy.ga_start,
                field="edd" if "edd" in data else "lmp",
                errors=errors,
                by=by,
                exclude_pregnancy=pregnancy.pk,
            )
        if "risk_factors" in data and not errors.fields:
            contradicted_factor_errors(
                data["risk_factors"],
                date_of_birth=mother.date_of_birth,
                start=pregnancy.ga_start,
                gravida=pregnancy.gravida,
                para=pregnancy.para,
                height_cm=pregnancy.height_cm,
                today=today,
                errors=errors,
            )

        if pregnancy.status != PregnancyStatus.ACTIVE:
            changed = {
                f for a, f in FROZEN_AFTER_OUTCOME.items() if getattr(pregnancy, a) != before[a]
            }
            for field in sorted(changed):
                errors.add(field, CLOSED)
            for attr, field in MOTHER_FROZEN_AFTER_OUTCOME.items():
                if getattr(mother, attr) != mother_before[attr]:
                    errors.add(field, CLOSED, within="mother")
        errors.raise_if_any()

        factors_before, band_before = list(pregnancy.risk_factors), pregnancy.risk_band
        if pregnancy.status == PregnancyStatus.ACTIVE:
            assessment = assess_pregnancy(
                pregnancy, date_of_birth=mother.date_of_birth, today=today
            )
            apply_assessment(pregnancy, assessment)
        if "person" in mother_changed:
            _raise_if_active_elsewhere(mother)
        if mother_changed:
            try:
                with transaction.atomic():
                    mother.save(update_fields=[*mother_changed, "updated_at"])
                    if "person" in mother_changed:
                        # A corrected NIK moves every pregnancy of this record with it.
                        Pregnancy.objects.filter(mother=mother).update(person=mother.person)
                        pregnancy.person = mother.person
            except IntegrityError:
                # Another record took this NIK, or the person's active pregnancy was
                # registered, after the checks looked. The error names the NIK, so it is
                # neither re-raised nor logged.
                logger.warning(
                    "update of pregnancy %s (mother %s) by user %s lost a race for the "
                    "mother's NIK; answered 409",
                    pregnancy.pk,
                    mother.pk,
                    by.pk,
                )
                raise Conflict(RACED) from None
        pregnancy.save()
        risk_history_record(
            pregnancy=pregnancy, before=factors_before, source=RiskSource.EDIT, by=by
        )
        audit_record(user=by, action=Action.UPDATE, pregnancy_id=pregnancy.pk)
        pregnancy_recorded.send(sender=Pregnancy, pregnancy=pregnancy, created=False)
        if pregnancy.edd != before["edd"]:
            EddChange.objects.create(
                pregnancy=pregnancy,
                at=timezone.now(),
                old_edd=before["edd"],
                new_edd=pregnancy.edd,
                edd_source=pregnancy.edd_source,
                source=EddChange.Source.EDIT,
                by=by,
            )
            edd_changed.send(sender=Pregnancy, pregnancy=pregnancy, old_edd=before["edd"])
        if pregnancy.status == PregnancyStatus.ACTIVE and (
            pregnancy.edd != before["edd"]
            or band_rose(band_before, pregnancy.risk_band)
            or pregnancy.doctor_id != before["doctor_id"]
        ):
            # An EDD moved earlier or a band that rose may make a milestone owed now.
            alerts_may_be_due.send(sender=Pregnancy, pregnancy=pregnancy, today=today)
    logger.info("pregnancy %s updated by user %s", pregnancy.pk, by.pk)
    pregnancy.mother = mother
    return pregnancy


def _apply_dates(pregnancy: Pregnancy, data: dict, *, today: date, errors: Errors) -> None:
    """New LMP and/or EDD: an ultrasound EDD wins; ``edd: null`` goes back to the LMP.

    Plausibility is checked, against today, on the values that change: a stored date
    was plausible when entered, and an app sending it back unchanged months later
    (its LMP now over 44 weeks ago) is not correcting anything.
    """
    if "lmp" not in data and "edd" not in data:
        return
    lmp = data["lmp"] if "lmp" in data else pregnancy.lmp
    if "edd" in data:
        ultrasound_edd = data["edd"]
    else:
        ultrasound_edd = pregnancy.edd if pregnancy.edd_source == EddSource.ULTRASOUND else None
    sent_lmp = data.get("lmp") if data.get("lmp") != pregnancy.lmp else None
    sent_edd = data.get("edd")
    if pregnancy.edd_source == EddSource.ULTRASOUND and sent_edd == pregnancy.edd:
        sent_edd = None
    if sent_lmp is not None or sent_edd is not None:
        if date_errors := check_dates(lmp=sent_lmp, edd=sent_edd, today=today):
            errors.merge(date_errors)
            return
    if ultrasound_edd is None and lmp is None:
        errors.add(
            "lmp" if "lmp" in data else "edd",
            _("Without an ultrasound EDD the EDD comes from the LMP: give lmp or edd."),
        )
        return
    pregnancy.lmp = lmp
    if ultrasound_edd is not None:
        pregnancy.edd, pregnancy.edd_source = ultrasound_edd, EddSource.ULTRASOUND
    else:
        pregnancy.edd, pregnancy.edd_source = edd_from_lmp(lmp), EddSource.LMP


def _apply_history(pregnancy: Pregnancy, data: dict, *, errors: Errors) -> None:
    sent = {f for f in ("gravida", "para", "abortus") if f in data}
    if not sent:
        return
    for field in sent:
        setattr(pregnancy, field, data[field])
    history_errors(
        gravida=pregnancy.gravida,
        para=pregnancy.para,
        abortus=pregnancy.abortus,
        sent=sent,
        errors=errors,
    )


def _apply_mother(
    mother: Mother,
    sent: dict,
    pregnancy: Pregnancy,
    *,
    by,
    start_moved: bool,
    today: date,
    errors: Errors,
) -> list[str]:
    """Set what was sent on ``mother``; the names of the fields that changed.

    A corrected NIK points the record at the person with that NIK ("person" changes);
    it may not be the NIK of another record of the same facility. Only the record's own
    facility corrects the NIK and date of birth (docs/mothers.md).
    """
    if by.facility_id != mother.facility_id and not _identity_kept(mother, sent, errors):
        return []
    old_nik = nik = mother.person.nik
    if "nik" in sent:
        nik = checked_nik(sent["nik"], errors)
        if nik is None:
            return []
        # Only the caller's own records answer here: they are all the caller may see.
        if nik != old_nik and nik_taken_at_facility(
            nik, facility_id=by.facility_id, mother_id=mother.pk
        ):
            errors.add("nik", _("Another mother is registered with this NIK."), within="mother")
            return []
    dob = mother.date_of_birth
    if "date_of_birth" in sent:
        dob = checked_birth_date(nik, sent["date_of_birth"], today=today, errors=errors)
    elif nik != old_nik and nik_errors(nik, dob):
        dob = checked_birth_date(nik, None, today=today, errors=errors)
    if dob is None:
        return []
    if "nik" in sent or "date_of_birth" in sent or start_moved:
        field = "date_of_birth" if "date_of_birth" in sent else "nik"
        mother_age_errors(dob, start=pregnancy.ga_start, field=field, errors=errors)

    wanted = {"date_of_birth": dob}
    wanted.update({f: sent[f] for f in ("full_name", *CONTACT_FIELDS) if f in sent})
    if "village" in sent:
        wanted["village"], place = checked_village(
            sent["village"], district=lambda: pregnancy.facility.district_id, errors=errors
        )
    changed = []
    if nik != old_nik:
        mother.person = person_for_nik(nik)
        changed.append("person")
    for field, value in wanted.items():
        value = "" if value is None else value
        if getattr(mother, field) != value:
            setattr(mother, field, value)
            changed.append(field)
    if "village" in sent and mother.village_place != place:
        mother.village_place = place
        changed.append("village_place")
    return changed


def _identity_kept(mother: Mother, sent: dict, errors: Errors) -> bool:
    """A receiving facility's request leaves the NIK and date of birth as the record has
    them (sending them back unchanged is fine); else 400 on each field it would change.

    Any other NIK is refused with the same words, before it is looked up, so the answer
    is the same for a NIK another facility recorded and for one nobody did.
    """
    kept = True
    if "nik" in sent and normalize_nik(sent["nik"]) != mother.person.nik:
        errors.add("nik", NOT_YOUR_RECORD, within="mother")
        kept = False
    if "date_of_birth" in sent and sent["date_of_birth"] != mother.date_of_birth:
        errors.add("date_of_birth", NOT_YOUR_RECORD, within="mother")
        kept = False
    return kept


def _raise_if_active_elsewhere(mother: Mother) -> None:
    """A corrected NIK whose person has an active pregnancy on another record: 409, as
    at registration, when this record has an active pregnancy too."""
    if not Pregnancy.objects.filter(mother=mother, status=PregnancyStatus.ACTIVE).exists():
        return
    active = (
        Pregnancy.objects.filter(person=mother.person, status=PregnancyStatus.ACTIVE)
        .exclude(mother=mother)
        .values_list("pk", "facility_id")
        .first()
    )
    if active is not None:
        raise _ActiveElsewhere(*active)


def _visits_still_inside(pregnancy: Pregnancy, data: dict, *, errors: Errors) -> None:
    """New dates may not put a recorded visit before the start of the pregnancy."""
    start = pregnancy_start(pregnancy)
    earliest = Visit.objects.filter(pregnancy=pregnancy).aggregate(first=Min("date"))["first"]
    if earliest is not None and earliest < start:
        field = "edd" if "edd" in data else "lmp"
        errors.add(
            field,
            _(
                "An ANC visit on %(visit)s would fall before the start of the pregnancy "
                "(%(start)s); correct that visit's date first."
            )
            % {"visit": earliest, "start": start},
        )
