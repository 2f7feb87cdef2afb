"""Notifying a death: from the deaths endpoint, or from an outcome (docs/deaths.md).

Both paths end in ``_create``: one case per death (the partial unique indexes on
(person, day of death)), the steps' deadlines, the facility summary filled from the
record, and the ``death_notified`` alert to the health office, in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deaths import rules
from deaths.models import CaseCounter, DeathCase, DeathDeadline, FacilitySummary, Source, Step
from deaths.services.summary import record_events
from jsc.people.models import Facility
from notifications.deaths import death_notified_raise
from pregnancies.audit import Action, Target, audit_record
from pregnancies.errors import RACED, Conflict, Errors
from pregnancies.models import Outcome, Pregnancy, PregnancyStatus
from pregnancies.rules.dates import gestational_age
from pregnancies.rules.outcomes import STILLBIRTH
from pregnancies.selectors import pregnancies_visible_to
from pregnancies.services.common import pregnancy_start, request_digest
from pregnancies.services.mothers import (
    checked_birth_date,
    checked_nik,
    checked_village,
    person_for_nik,
)

logger = logging.getLogger(__name__)

ALREADY_NOTIFIED = gettext_lazy(
    "This death (the same woman and day) was already notified; the facility that notified "
    "it is named."
)
ID_REUSED = gettext_lazy("This id was already used for another notification.")


def _digest(data: dict) -> str:
    return request_digest({k: data.get(k) for k in sorted(data)})


def _retried(case_id, *, by, digest: str) -> DeathCase | None:
    """The case an identical earlier request made, None if the id is free; 409 else."""
    found = DeathCase.objects.filter(pk=case_id).first()
    if found is None:
        return None
    if (found.facility_id, found.notified_by_id, found.create_digest) != (
        by.facility_id,
        by.pk,
        digest,
    ):
        raise Conflict(ID_REUSED)
    return found


def _already(case: DeathCase) -> Conflict:
    # Only the facility's name: the caller can call it; nothing about the woman.
    return Conflict(ALREADY_NOTIFIED, facility=case.facility.name)


def _same_death(person_id, died_on: date, kind: str) -> DeathCase | None:
    kinds = [rules.PERINATAL] if kind == rules.PERINATAL else list(rules.MATERNAL_KINDS)
    return (
        DeathCase.objects.select_related("facility")
        .filter(person_id=person_id, died_on=died_on, kind__in=kinds)
        .first()
    )


def _ga_weeks(pregnancy: Pregnancy, on: date) -> int | None:
    try:
        return gestational_age(start=pregnancy.ga_start, on=on).weeks
    except ValueError:
        return None


def _checked_person(raw: dict, *, by, today: date, errors: Errors) -> dict | None:
    """The registry's own NIK, birth date and village checks (a woman's NIK; a date of
    birth that agrees with it; a village of the regency), reported under ``person``."""
    found = Errors()
    nik = checked_nik(raw["nik"], found)
    dob = (
        checked_birth_date(nik, raw.get("date_of_birth"), today=today, errors=found)
        if nik
        else None
    )
    village, place = checked_village(
        raw.get("village"), district=lambda: by.facility.district_id, errors=found
    )
    if found.fields:
        errors.fields["person"] = found.fields.pop("mother")
        return None
    return {
        "nik": nik,
        "full_name": raw["full_name"],
        "date_of_birth": dob,
        "village": village,
        "village_place": place,
    }


def _pregnancy_facts(pregnancy: Pregnancy, kind: str, died_on: date, born_on: date | None):
    """What the record says: the kind checks' inputs and the weeks or days to store."""
    outcome = Outcome.objects.filter(pregnancy=pregnancy).first()
    facts = {
        "pregnancy_start": pregnancy_start(pregnancy),
        "outcome_kind": outcome.kind if outcome else None,
        "outcome_date": outcome.date if outcome else None,
        "pregnancy_active": pregnancy.status == PregnancyStatus.ACTIVE,
    }
    stored = {"gestational_weeks": None, "days_after_end": None}
    if kind == rules.PERINATAL:
        stored["gestational_weeks"] = _ga_weeks(pregnancy, born_on or died_on)
    elif outcome is None or died_on <= outcome.date:
        stored["gestational_weeks"] = _ga_weeks(pregnancy, died_on)
    else:
        stored["days_after_end"] = (died_on - outcome.date).days
    return facts, stored


def _validated(data: dict, *, by, now: datetime) -> dict:
    """Every check, all errors at once; the case's values (nothing written)."""
    errors = Errors()
    today = timezone.localdate(now)
    kind = data["kind"]
    died_at = data["died_at"]
    died_on = timezone.localtime(died_at).date()
    baby = data.get("baby")
    if died_at > now:
        errors.add("died_at", _("The death cannot be in the future."))
    pregnancy = woman = None
    if data.get("pregnancy") and data.get("person"):
        errors.add("person", _("Give the pregnancy or the person, not both."))
    elif data.get("pregnancy"):
        pregnancy = (
            pregnancies_visible_to(by)
            .select_related("person", "mother", "mother__village_place", "facility")
            .filter(pk=data["pregnancy"])
            .first()
        )
        if pregnancy is None:
            errors.add("pregnancy", _("No pregnancy in your reach has this id."))
    elif data.get("person"):
        woman = _checked_person(data["person"], by=by, today=today, errors=errors)
    else:
        errors.add(
            "pregnancy", _("Give the pregnancy, or the person for a woman never registered.")
        )
    place_facility = data.get("place_facility")
    if place_facility and not Facility.objects.filter(pk=place_facility).exists():
        errors.add("place_facility", _("No facility has this id."))
    if "died_at" in errors.fields or errors.fields.keys() & {"pregnancy", "person"}:
        errors.raise_if_any()

    born_at = baby.get("born_at") if baby else None
    born_on = timezone.localtime(born_at).date() if born_at else None
    given = {k: data.get(k) for k in ("gestational_weeks", "days_after_end")}
    if pregnancy is not None:
        facts, stored = _pregnancy_facts(pregnancy, kind, died_on, born_on)
        for field, value in given.items():
            if value is not None and value != stored[field]:
                errors.add(
                    field,
                    _("The pregnancy's record gives %(value)s.")
                    % {"value": "-" if stored[field] is None else stored[field]},
                )
        errors.merge(
            rules.kind_errors(kind=kind, died_on=died_on, baby=baby, died_at=died_at, **facts)
        )
    else:
        stored = given
        errors.merge(
            rules.kind_errors(kind=kind, died_on=died_on, baby=baby, died_at=died_at, **given)
        )
    errors.raise_if_any()
    return {
        "pregnancy": pregnancy,
        "woman": woman,
        "kind": kind,
        "died_at": died_at,
        "died_on": died_on,
        "baby_born_at": born_at,
        "baby_weight_g": baby.get("weight_g") if baby else None,
        **stored,
    }


def death_notify(*, data: dict, by, now: datetime) -> tuple[DeathCase, bool]:
    """A death notified by a midwife or doctor; (case, created).

    ``data`` is the validated body. The same id with the same content returns the case
    (an offline retry); the same woman and day of death already notified raises
    Conflict naming only the notifying facility. Bad input raises RuleViolation (400)
    and writes nothing.
    """
    case_id = data.get("id") or uuid.uuid4()
    digest = _digest({**data, "id": case_id})
    if data.get("id") and (found := _retried(case_id, by=by, digest=digest)):
        return found, False
    values = _validated(data, by=by, now=now)
    pregnancy, woman = values.pop("pregnancy"), values.pop("woman")
    try:
        with transaction.atomic():
            person = pregnancy.person if pregnancy is not None else person_for_nik(woman["nik"])
            if same := _same_death(person.pk, values["died_on"], values["kind"]):
                raise _already(same)
            if pregnancy is None:
                # Known to the registry by her NIK: the health office sees her pregnancy
                # on the case; the notifier is shown nothing of it (docs/deaths.md).
                pregnancy = _pregnancy_of(person.pk, values["died_on"])
                who = {
                    k: woman[k] for k in ("full_name", "date_of_birth", "village", "village_place")
                }
            else:
                who = _who(pregnancy.mother)
            case = _create(
                case_id=case_id,
                person=person,
                pregnancy=pregnancy,
                who=who,
                values={
                    **values,
                    "place": data.get("place") or "",
                    "place_facility_id": data.get("place_facility"),
                    "suspected_cause_group": data.get("suspected_cause_group") or "",
                    "notes": data.get("notes") or "",
                    "create_digest": digest,
                },
                source=Source.API,
                by=by,
                now=now,
            )
    except IntegrityError:
        # A twin of this request, or another notification of the same death, committed
        # first: answer as the re-read says, never with the database's message (it
        # names the key).
        if found := _retried(case_id, by=by, digest=digest):
            return found, False
        person_id = pregnancy.person_id if pregnancy else person_for_nik(woman["nik"]).pk
        if same := _same_death(person_id, values["died_on"], values["kind"]):
            raise _already(same) from None
        raise Conflict(RACED) from None
    return case, True


def _who(mother) -> dict:
    """The woman as the pregnancy's facility recorded her, copied onto the case."""
    return {
        "full_name": mother.full_name,
        "date_of_birth": mother.date_of_birth,
        "village": mother.village,
        "village_place": mother.village_place,
    }


def _pregnancy_of(person_id, died_on: date) -> Pregnancy | None:
    """Her latest pregnancy begun before the death, if the registry has one."""
    for pregnancy in Pregnancy.objects.filter(person_id=person_id).order_by("-edd"):
        if pregnancy_start(pregnancy) <= died_on:
            return pregnancy
    return None


def _district_id(who: dict, pregnancy: Pregnancy | None, by) -> int | None:
    if who.get("village_place") is not None:
        return who["village_place"].district_id
    if pregnancy is not None:
        return pregnancy.facility.district_id
    return by.facility.district_id if by.facility_id else None


def case_number_next(year: int) -> str:
    """AMP-<year>-<n>: the n-th case of the year. The counter's row lock orders two
    notifications at once; it is held to the end of the caller's transaction."""
    CaseCounter.objects.get_or_create(year=year)
    counter = CaseCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AMP-{year}-{counter.last:04d}"


def _create(
    *, case_id, person, pregnancy, who: dict, values: dict, source: str, by, now: datetime
) -> DeathCase:
    time_known = values.pop("died_time_known", True)
    due = rules.notification_due(died_at=values["died_at"], time_known=time_known)
    case = DeathCase(
        id=case_id,
        case_number=case_number_next(values["died_on"].year),
        person=person,
        pregnancy=pregnancy,
        full_name=who["full_name"],
        date_of_birth=who["date_of_birth"],
        village=who["village"] or "",
        village_place=who["village_place"],
        district_id=_district_id(who, pregnancy, by),
        died_time_known=time_known,
        facility_id=by.facility_id,
        notified_by=by,
        notified_at=now,
        notification_due=due,
        notified_late=now > due,
        source=source,
        **values,
    )
    case.save(force_insert=True)
    deadlines = [
        DeathDeadline(case=case, step=Step.VERBAL_AUTOPSY, due_at=rules.verbal_autopsy_due(now))
    ]
    if case.is_maternal_kind:
        deadlines.append(
            DeathDeadline(case=case, step=Step.SCREENING, due_at=rules.screening_due(now))
        )
    DeathDeadline.objects.bulk_create(deadlines)
    FacilitySummary.objects.create(
        case=case, events=record_events(pregnancy) if pregnancy else [], filled_at=now
    )
    audit_record(
        user=by,
        action=Action.CREATE,
        target=Target.DEATH,
        pregnancy_id=case.pregnancy_id,
        object_id=case.pk,
    )
    death_notified_raise(death_id=case.pk)
    # Ids only: no NIK, name or clinical detail in the logs.
    logger.info(
        "death case %s (%s) notified at facility %s by user %s",
        case.pk,
        case.kind,
        case.facility_id,
        by.pk,
    )
    return case


def death_notify_from_outcome(*, outcome: Outcome, pregnancy: Pregnancy, by, now: datetime):
    """The deaths an outcome shows, notified through the same path: the mother's
    (``mother_died``) and a stillbirth's from 22 weeks. A death already notified, from
    the endpoint or an earlier save of this outcome, is that one case (linked to the
    pregnancy when it was notified without it). Returns the cases."""
    cases = []
    if outcome.mother_died and outcome.mother_death_date is not None:
        cases.append(
            _from_outcome(
                kind=rules.MATERNAL,
                day=outcome.mother_death_date,
                pregnancy=pregnancy,
                outcome=outcome,
                by=by,
                now=now,
            )
        )
    weeks = _ga_weeks(pregnancy, outcome.date)
    if outcome.kind == STILLBIRTH and weeks is not None and rules.stillbirth_is_perinatal(weeks):
        cases.append(
            _from_outcome(
                kind=rules.PERINATAL,
                day=outcome.date,
                pregnancy=pregnancy,
                outcome=outcome,
                by=by,
                now=now,
            )
        )
    return cases


def _from_outcome(*, kind: str, day: date, pregnancy, outcome, by, now) -> DeathCase:
    kinds = [rules.PERINATAL] if kind == rules.PERINATAL else list(rules.MATERNAL_KINDS)
    if found := DeathCase.objects.filter(pregnancy=pregnancy, kind__in=kinds).first():
        return found
    if same := _same_death(pregnancy.person_id, day, kind):
        if same.pregnancy_id is None:
            same.pregnancy = pregnancy
            same.save(update_fields=["pregnancy", "updated_at"])
        return same
    died_at = rules.start_of_day(day)
    facts = {"gestational_weeks": None, "days_after_end": None}
    if kind == rules.PERINATAL:
        facts["gestational_weeks"] = _ga_weeks(pregnancy, day)
    else:
        facts["days_after_end"] = (day - outcome.date).days
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outcome standing
            return _create(
                case_id=uuid.uuid4(),
                person=pregnancy.person,
                pregnancy=pregnancy,
                who=_who(pregnancy.mother),
                values={
                    "kind": kind,
                    "died_at": died_at,
                    "died_on": day,
                    "died_time_known": False,
                    "baby_born_at": died_at if kind == rules.PERINATAL else None,
                    **facts,
                },
                source=Source.OUTCOME,
                by=by,
                now=now,
            )
    except IntegrityError:
        # The deaths endpoint notified the same death at this moment: that is the case.
        same = _same_death(pregnancy.person_id, day, kind)
        if same is None:
            raise Conflict(RACED) from None
        return same
