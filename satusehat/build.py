"""What one outbox row asks of SATUSEHAT now: a lookup, a resource, or a reason to wait.

Read when the row is sent, from the records as they are then (satusehat/sources.py),
so a corrected record is sent as it now reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from satusehat import resources
from satusehat.codes import GESTATIONAL_AGE, OBSTETRIC_OBSERVATIONS, VISIT_OBSERVATIONS
from satusehat.models import OutboxRow, ResourceType, WaitingFor
from satusehat.sources import PregnancyFacts, VisitFacts, pregnancy_facts, visit_facts

# item -> (Visit field, code), for a visit's own observations.
_BY_ITEM = {code.item: (field, code) for field, code in VISIT_OBSERVATIONS.items()}


@dataclass(frozen=True)
class Lookup:
    """Find the mother in the national patient index by her NIK."""

    nik: str


@dataclass(frozen=True)
class Send:
    resource: dict
    # The day the calendar alone changes it (an episode closing at 44 weeks).
    resend_on: date | None = None


@dataclass(frozen=True)
class Wait:
    waiting_for: str


@dataclass(frozen=True)
class Gone:
    """Its record no longer exists (nothing in the service deletes one today)."""


Plan = Lookup | Send | Wait | Gone


def _satusehat_id(pregnancy_id, kind: str) -> str:
    return (
        OutboxRow.objects.filter(key=f"{kind}:{pregnancy_id}")
        .values_list("satusehat_id", flat=True)
        .first()
        or ""
    )


def plan_for(row: OutboxRow, *, today: date) -> Plan:
    facts = pregnancy_facts(row.pregnancy_id, today=today)
    if facts is None:
        return Gone()
    if row.resource_type == ResourceType.PATIENT:
        return Lookup(facts.nik)
    patient_id = _satusehat_id(row.pregnancy_id, "patient")
    if not patient_id:
        return Wait(WaitingFor.PARENT)
    if row.resource_type == ResourceType.EPISODE_OF_CARE:
        return _episode(facts, patient_id)
    parent_id = row.depends_on.satusehat_id if row.depends_on_id else ""
    if not parent_id:
        return Wait(WaitingFor.PARENT)
    visit = visit_facts(row.visit_id)
    if visit is None:
        return Gone()
    if not visit.facility.complete:
        return Wait(WaitingFor.FACILITY_IDS)
    if row.resource_type == ResourceType.ENCOUNTER:
        if not visit.practitioner_id:
            return Wait(WaitingFor.PRACTITIONER_ID)
        return Send(
            resources.encounter(
                visit_id=str(visit.id),
                organization_id=visit.facility.organization_id,
                location_id=visit.facility.location_id,
                patient_id=patient_id,
                episode_id=parent_id,
                practitioner_id=visit.practitioner_id,
                on=visit.on,
                anc_code=resources.anc_visit_code(
                    visit.number, first_trimester=visit.first_trimester
                ),
            )
        )
    if row.resource_type == ResourceType.CONDITION:
        return Send(
            resources.condition(
                factor=row.item,
                local=f"{visit.id}-{row.item}",
                organization_id=visit.facility.organization_id,
                patient_id=patient_id,
                encounter_id=parent_id,
                on=visit.on,
            )
        )
    return _observation(row, facts, visit, patient_id=patient_id, encounter_id=parent_id)


def _episode(facts: PregnancyFacts, patient_id: str) -> Plan:
    if not facts.facility.organization_id:
        return Wait(WaitingFor.FACILITY_IDS)
    return Send(
        resources.episode_of_care(
            pregnancy_id=str(facts.id),
            organization_id=facts.facility.organization_id,
            patient_id=patient_id,
            start=facts.start,
            end=facts.end,
        ),
        resend_on=facts.stale_on if facts.end is None else None,
    )


def _observation(
    row: OutboxRow, facts: PregnancyFacts, visit: VisitFacts, *, patient_id, encounter_id
) -> Plan:
    if row.item in OBSTETRIC_OBSERVATIONS:
        code = OBSTETRIC_OBSERVATIONS[row.item]
        value = getattr(facts, row.item)
        local = f"{facts.id}-{row.item}"
    elif row.item == GESTATIONAL_AGE.item:
        code, value, local = GESTATIONAL_AGE, visit.ga_weeks, f"{visit.id}-{row.item}"
    else:
        field, code = _BY_ITEM[row.item]
        value, local = visit.measurements.get(field), f"{visit.id}-{row.item}"
    return Send(
        resources.observation(
            code=code,
            local=local,
            organization_id=visit.facility.organization_id,
            patient_id=patient_id,
            encounter_id=encounter_id,
            practitioner_id=visit.practitioner_id,
            on=visit.on,
            value=value,
        )
    )
