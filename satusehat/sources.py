"""What the outbox reads of the registry and of people: the one module on this edge.

The registry never imports the outbox (it sends its signals, pregnancies/signals.py);
the outbox reads the records here, as they are when a resource is built, and turns them
into plain values for satusehat/resources.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from jsc.people.models import Facility
from pregnancies.models import Outcome, Pregnancy, Visit
from pregnancies.rules.dates import STALE_DAYS, gestational_age, trimester
from pregnancies.rules.urgent import Vitals, visit_findings
from pregnancies.selectors import visits_numbered
from satusehat.codes import VISIT_OBSERVATIONS


@dataclass(frozen=True)
class FacilityIds:
    organization_id: str
    location_id: str

    @classmethod
    def of(cls, facility: Facility) -> FacilityIds:
        return cls(facility.satusehat_organization_id, facility.satusehat_location_id)

    @property
    def complete(self) -> bool:
        return bool(self.organization_id and self.location_id)


@dataclass(frozen=True)
class PregnancyFacts:
    id: UUID
    nik: str
    facility: FacilityIds
    start: date  # the LMP, or day 0 of the gestational age without one
    lmp: date | None
    edd: date
    gravida: int
    para: int
    abortus: int
    # The day the episode ends: the outcome's, or 44 weeks on for a mother lost to
    # follow-up (docs/satusehat.md, "EpisodeOfCare"); None while it goes on.
    end: date | None
    # The day it will end by the calendar alone, while it has no outcome.
    stale_on: date | None


def pregnancy_facts(pregnancy_id, *, today: date) -> PregnancyFacts | None:
    pregnancy = (
        Pregnancy.objects.select_related("person", "facility").filter(pk=pregnancy_id).first()
    )
    if pregnancy is None:
        return None
    outcome_on = Outcome.objects.filter(pregnancy=pregnancy).values_list("date", flat=True).first()
    start = pregnancy.lmp or pregnancy.ga_start
    # Stale at 44 weeks of gestational age, as the registry counts it (the LMP + 308 days
    # for an EDD from the LMP).
    stale_on = pregnancy.ga_start + timedelta(days=STALE_DAYS)
    end = outcome_on if outcome_on is not None else (stale_on if today >= stale_on else None)
    return PregnancyFacts(
        id=pregnancy.pk,
        nik=pregnancy.person.nik,
        facility=FacilityIds.of(pregnancy.facility),
        start=start,
        lmp=pregnancy.lmp,
        edd=pregnancy.edd,
        gravida=pregnancy.gravida,
        para=pregnancy.para,
        abortus=pregnancy.abortus,
        end=end,
        stale_on=None if outcome_on is not None else stale_on,
    )


@dataclass(frozen=True)
class VisitFacts:
    id: UUID
    pregnancy_id: UUID
    on: date
    number: int  # 1 = K1, in date order (pregnancies/selectors.py)
    first_trimester: bool
    ga_weeks: int
    measurements: dict  # field -> value, the measured ones only
    facility: FacilityIds
    practitioner_id: str


def visit_facts(visit_id) -> VisitFacts | None:
    visit = (
        Visit.objects.select_related("pregnancy", "recorded_by__facility")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        return None
    number = next(v.visit_number for v in visits_numbered(visit.pregnancy_id) if v.pk == visit.pk)
    ga = gestational_age(start=visit.pregnancy.ga_start, on=visit.date)
    by = visit.recorded_by
    facility = by.facility or visit.pregnancy.facility
    return VisitFacts(
        id=visit.pk,
        pregnancy_id=visit.pregnancy_id,
        on=visit.date,
        number=number,
        first_trimester=trimester(ga.total_days) == 1,
        ga_weeks=ga.weeks,
        measurements={
            f: getattr(visit, f) for f in VISIT_OBSERVATIONS if getattr(visit, f) is not None
        },
        facility=FacilityIds.of(facility),
        practitioner_id=by.satusehat_practitioner_id,
    )


def visit_facility_id(visit: Visit):
    """The facility that recorded a visit (its recorder's): it sends the encounter."""
    return visit.recorded_by.facility_id or visit.pregnancy.facility_id


def visits_after(visit: Visit) -> list[UUID]:
    """The pregnancy's visits dated after ``visit``: a late entry moves their numbers."""
    return list(
        Visit.objects.filter(pregnancy_id=visit.pregnancy_id, date__gt=visit.date).values_list(
            "pk", flat=True
        )
    )


def visit_findings_of(visit: Visit) -> list[str]:
    """The KSPR factors the visit found (pregnancies/rules/urgent.py): its conditions."""
    return visit_findings(
        Vitals.of(
            systolic=visit.systolic,
            diastolic=visit.diastolic,
            hemoglobin=visit.hemoglobin,
            danger_signs=visit.danger_signs,
        )
    )
