"""The FHIR R4 resources the outbox sends, built from plain values (no Django, no I/O).

Shapes after the national ANC guide's examples (docs/satusehat.md, "The mapping"):
every resource carries the facility's identifier for it, so a send repeated after a
crash finds the first one instead of making a second. No name goes into a resource:
the platform knows the mother by her IHS number. Each is checked against fhir.resources'
R4 models (``validated``) before it leaves.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from satusehat import codes
from satusehat.codes import ObservationCode


class InvalidResource(ValueError):
    """A resource we built is not valid FHIR R4: a bug of ours, said without its values."""


def _ref(resource_type: str, resource_id: str) -> dict:
    return {"reference": f"{resource_type}/{resource_id}"}


def _number(value) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def anc_visit_code(number: int, *, first_trimester: bool) -> str | None:
    """K1M for a first visit in trimester 1 (K1 murni), K1A for a later first visit
    (K1 akses), K2..K6 after; none past K6, where the guide's value set ends."""
    if number == 1:
        return codes.K1_PURE if first_trimester else codes.K1_ACCESS
    return f"K{number}" if number <= codes.LAST_ANC_VISIT else None


def episode_of_care(
    *,
    pregnancy_id: str,
    organization_id: str,
    patient_id: str,
    start: date,
    end: date | None,
) -> dict:
    """One per pregnancy: active from the LMP, finished on ``end`` (the outcome)."""
    period = {"start": start.isoformat()}
    history = [{"status": "active", "period": dict(period)}]
    if end is not None:
        period["end"] = end.isoformat()
        history[0]["period"]["end"] = end.isoformat()
        history.append(
            {"status": "finished", "period": {"start": end.isoformat(), "end": end.isoformat()}}
        )
    return {
        "resourceType": "EpisodeOfCare",
        "identifier": [
            {"system": codes.episode_system(organization_id), "value": str(pregnancy_id)}
        ],
        "status": "finished" if end is not None else "active",
        "statusHistory": history,
        "type": [{"coding": [dict(codes.EPISODE_TYPE)]}],
        "patient": _ref("Patient", patient_id),
        "managingOrganization": _ref("Organization", organization_id),
        "period": period,
    }


def encounter(
    *,
    visit_id: str,
    organization_id: str,
    location_id: str,
    patient_id: str,
    episode_id: str,
    practitioner_id: str,
    on: date,
    anc_code: str | None,
) -> dict:
    """One per ANC visit, finished on its day (a visit is recorded after it happened)."""
    identifiers = [{"system": codes.encounter_system(organization_id), "value": str(visit_id)}]
    if anc_code:
        identifiers.append({"system": codes.ANC_VISIT_SYSTEM, "value": anc_code})
    day = {"start": on.isoformat(), "end": on.isoformat()}
    return {
        "resourceType": "Encounter",
        "identifier": identifiers,
        "status": "finished",
        "statusHistory": [{"status": "finished", "period": dict(day)}],
        "class": dict(codes.ENCOUNTER_CLASS),
        "subject": _ref("Patient", patient_id),
        "participant": [
            {
                "type": [{"coding": [dict(codes.ATTENDER)]}],
                "individual": _ref("Practitioner", practitioner_id),
            }
        ],
        "period": day,
        "location": [{"location": _ref("Location", location_id)}],
        "serviceProvider": _ref("Organization", organization_id),
        # A list: R4 says so, whatever one national example sends.
        "episodeOfCare": [_ref("EpisodeOfCare", episode_id)],
    }


def observation(
    *,
    code: ObservationCode,
    local: str,
    organization_id: str,
    patient_id: str,
    encounter_id: str,
    practitioner_id: str,
    on: date,
    value,
) -> dict:
    coding = [{"system": codes.LOINC, "code": code.loinc, "display": code.loinc_display}]
    if code.element is not None:
        system, element, display = code.element
        coding.append({"system": system, "code": element, "display": display})
    resource = {
        "resourceType": "Observation",
        "identifier": [{"system": codes.observation_system(organization_id), "value": local}],
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": codes.OBSERVATION_CATEGORY,
                        "code": code.category,
                        "display": codes.CATEGORY_DISPLAY[code.category],
                    }
                ]
            }
        ],
        "code": {"coding": coding},
        "subject": _ref("Patient", patient_id),
        "encounter": _ref("Encounter", encounter_id),
        "effectiveDateTime": on.isoformat(),
    }
    if practitioner_id:
        resource["performer"] = [_ref("Practitioner", practitioner_id)]
    if value is None:
        # A value corrected away (an LMP removed): the platform's copy is withdrawn.
        resource["status"] = "entered-in-error"
    elif code.value == "quantity":
        resource["valueQuantity"] = {
            "value": _number(value),
            "unit": code.unit_display,
            "system": codes.UCUM,
            "code": code.unit,
        }
    elif code.value == "integer":
        resource["valueInteger"] = int(value)
    else:
        resource["valueDateTime"] = value.isoformat()
    return resource


def condition(
    *,
    factor: str,
    local: str,
    organization_id: str,
    patient_id: str,
    encounter_id: str,
    on: date,
) -> dict:
    """A risk factor the visit found, as its ICD-10 complication of pregnancy."""
    icd, display = codes.FINDING_ICD10[factor]
    return {
        "resourceType": "Condition",
        "identifier": [{"system": codes.condition_system(organization_id), "value": local}],
        "clinicalStatus": {"coding": [dict(codes.CONDITION_ACTIVE)]},
        "category": [{"coding": [dict(codes.CONDITION_CATEGORY)]}],
        "code": {"coding": [{"system": codes.ICD10, "code": icd, "display": display}]},
        "subject": _ref("Patient", patient_id),
        "encounter": _ref("Encounter", encounter_id),
        "onsetDateTime": on.isoformat(),
        "recordedDate": on.isoformat(),
    }


def validated(resource: dict) -> dict:
    """``resource`` unchanged if fhir.resources' R4 model takes it; InvalidResource else,
    naming the elements (never the values: they are clinical)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    model = get_fhir_model_class(resource["resourceType"])
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in exc.errors()[:5])
        raise InvalidResource(f"not valid FHIR R4 ({where})") from None
    return resource


def digest(resource: dict) -> str:
    """The resource's fingerprint, to tell a correction that changes it from one that
    does not."""
    canonical = json.dumps(resource, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
