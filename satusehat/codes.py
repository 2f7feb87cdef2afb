"""The codes and identifier systems of the national ANC guide, in one table each.

Source: docs/satusehat.md, "The mapping" (after the SATUSEHAT Indonesian MCH guide,
"Antenatal Care (ANC)", 2023, and its example resources). Nothing else in the service
writes a code system, a LOINC code or an identifier system.
"""

from __future__ import annotations

from dataclasses import dataclass

NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
IHS_SYSTEM = "https://fhir.kemkes.go.id/id/ihs-number"


def episode_system(organization_id: str) -> str:
    return f"http://sys-ids.kemkes.go.id/episode-of-care/{organization_id}"


def encounter_system(organization_id: str) -> str:
    return f"http://sys-ids.kemkes.go.id/encounter/{organization_id}"


def observation_system(organization_id: str) -> str:
    return f"http://sys-ids.kemkes.go.id/observation/{organization_id}"


def condition_system(organization_id: str) -> str:
    return f"http://sys-ids.kemkes.go.id/condition/{organization_id}"


EPISODE_TYPE = {
    "system": "http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type",
    "code": "ANC",
    "display": "Antenatal Care",
}
# The ANC visit status (K1 akses, K1 murni, K2..K6) as the encounter's second identifier.
ANC_VISIT_SYSTEM = "http://terminology.kemkes.go.id/CodeSystem/episodeofcare/ANC"
K1_ACCESS, K1_PURE = "K1A", "K1M"
LAST_ANC_VISIT = 6  # the value set ends at K6

ENCOUNTER_CLASS = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "AMB",
    "display": "ambulatory",
}
ATTENDER = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
    "code": "ATND",
    "display": "attender",
}

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CATEGORY_DISPLAY = {
    "vital-signs": "Vital Signs",
    "exam": "Exam",
    "laboratory": "Laboratory",
    "survey": "Survey",
}
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# The WHO ANC Digital Adaptation Kit's data elements, and the national additions.
WHO_DAK = "http://fhir.org/guides/who/anc-cds/CodeSystem/anc-custom-codes"
KEMKES_ANC = "http://terminology.kemkes.go.id/CodeSystem/anc-custom-codes"

CONDITION_CATEGORY = {
    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
    "code": "problem-list-item",
    "display": "Problem List Item",
}
CONDITION_ACTIVE = {
    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
    "code": "active",
    "display": "Active",
}
ICD10 = "http://hl7.org/fhir/sid/icd-10"


@dataclass(frozen=True)
class ObservationCode:
    item: str
    category: str
    loinc: str
    loinc_display: str
    # (system, code, display) of the DAK or national data element, where the guide has one.
    element: tuple[str, str, str] | None
    # "quantity" (with ``unit``, a UCUM code), "integer" or "date".
    value: str
    unit: str = ""
    unit_display: str = ""


# fmt: off
C = ObservationCode
# What a visit measures, by the Visit field it comes from.
VISIT_OBSERVATIONS: dict[str, ObservationCode] = {
    "systolic": C("systolic", "vital-signs", "8480-6", "Systolic blood pressure",
                  (WHO_DAK, "ANC.B8.DE17", "Systolic blood pressure"),
                  "quantity", "mm[Hg]", "mmHg"),
    "diastolic": C("diastolic", "vital-signs", "8462-4", "Diastolic blood pressure",
                   (WHO_DAK, "ANC.B8.DE19", "Diastolic blood pressure"),
                   "quantity", "mm[Hg]", "mmHg"),
    "weight_kg": C("weight", "vital-signs", "29463-7", "Body weight",
                   (WHO_DAK, "ANC.B8.DE3", "Current weight"), "quantity", "kg", "kg"),
    "hemoglobin": C("hemoglobin", "laboratory", "718-7", "Hemoglobin [Mass/volume] in Blood",
                    None, "quantity", "g/dL", "g/dL"),
    "muac_cm": C("muac", "exam", "56072-2", "Circumference Mid upper arm",
                 (KEMKES_ANC, "ANC.SS.DE3", "Lingkar Lengan Atas (LILA)"), "quantity", "cm", "cm"),
    "fundal_height_cm": C("fundal_height", "exam", "11881-0", "Uterus Fundal height Tape measure",
                          (WHO_DAK, "ANC.B8.DE105", "Symphysis-fundal height (SFH)"),
                          "quantity", "cm", "cm"),
    "fetal_heart_rate": C("fetal_heart_rate", "exam", "55283-6", "Fetal Heart rate",
                          (WHO_DAK, "ANC.B8.DE107", "Fetal heart rate"), "quantity", "/min",
                          "beats/minute"),
}
# Sent with every visit: the gestational age on its date, in completed weeks.
GESTATIONAL_AGE = C("gestational_age", "survey", "18185-9", "Gestational age",
                    (WHO_DAK, "ANC.B6.DE17", "Gestational age"), "quantity", "wk", "week")
# The obstetric status (status obstetri), sent once with the pregnancy's first encounter.
OBSTETRIC_OBSERVATIONS: dict[str, ObservationCode] = {
    "gravida": C("gravida", "survey", "11996-6", "[#] Pregnancies",
                 (WHO_DAK, "ANC.B6.DE24", "Number of pregnancies (gravida)"), "integer"),
    "para": C("para", "survey", "11977-6", "[#] Parity",
              (WHO_DAK, "ANC.B6.DE32", "Parity"), "integer"),
    "abortus": C("abortus", "survey", "69043-8", "Other pregnancy outcomes #",
                 (WHO_DAK, "ANC.B6.DE25", "Number of miscarriages and/or abortions"), "integer"),
    "lmp": C("lmp", "survey", "8665-2", "Last menstrual period start date",
             (WHO_DAK, "ANC.B6.DE14", "Last menstrual period (LMP) date"), "date"),
    "edd": C("edd", "survey", "11778-8", "Delivery date Estimated",
             (WHO_DAK, "ANC.B6.DE22", "Expected date of delivery (EDD)"), "date"),
}
del C
# fmt: on

# The KSPR factors a visit can find (pregnancies/rules/urgent.py) and their ICD-10
# codes: docs/satusehat.md, "Conditions".
FINDING_ICD10: dict[str, tuple[str, str]] = {
    "severe_preeclampsia": ("O14.1", "Severe pre-eclampsia"),
    "antepartum_bleeding": ("O46.9", "Antepartum haemorrhage, unspecified"),
    "anaemia": ("O99.0", "Anaemia complicating pregnancy, childbirth and the puerperium"),
    "oedema_hypertension": ("O13", "Gestational [pregnancy-induced] hypertension"),
}
