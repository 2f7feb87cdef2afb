"""The review file: what the district panel reads, with no name, NIK, phone, address or
staff name anywhere in it (docs/deaths.md, "The review file").

No name, no blame: the file is built field by field from what may be shown (a case
number, age, gravida/para, gestational age, the timeline with times, the facilities by
kind and a letter: "Puskesmas A", "RS B" within one file); nothing is copied whole. Free
text (the family's story, the facility's account, findings, recommendations) passes
through ``Redactor``, which blanks every personal string the service knows of the case
(the woman's names in every facility's record, her NIK, phones, addresses and village,
the informant, every staff member of the regency) and writes each facility's name as its
letter. A name the service was never told cannot be known; the forms ask for none.
"""

from __future__ import annotations

import re
import string
from datetime import datetime

from django.utils import timezone

from deaths import rules
from deaths.models import DeathCase, FacilitySummary
from jsc.people.models import Facility, FacilityKind, User
from pregnancies.models import Mother
from pregnancies.rules.dates import age_on

BLANK = "[…]"
KIND_PREFIX = {
    FacilityKind.PUSKESMAS: "Puskesmas",
    FacilityKind.HOSPITAL: "RS",
    FacilityKind.CLINIC: "Klinik",
}
# Titles and words around a name that are no name themselves: "Bidan Ana" blanks "Ana",
# not every "bidan" in the story.
NOT_NAMES = frozenset(
    "dr dr. drg bidan bd bdn ibu bu ny ny. nyonya bapak pak sdr sp.og spog amd amd.keb "
    "s.st s.keb s.ked m.kes skm ners ns perawat dinkes dokter petugas puskesmas rs rsd "
    "rsud klinik".split()
)
# Digits that could be a phone or a NIK, whoever they belong to: 9 or more digits in a
# run (spaces, dots and dashes between them), which no date or time of the story has.
NUMBER_RUN = re.compile(r"\+?\d[\d .-]{6,}\d")
PHONE_DIGITS = 9


class Redactor:
    """Blanks known personal strings and aliases facilities in free text."""

    def __init__(self, *, personal: set[str], facilities: dict[str, str]) -> None:
        words, phrases = set(), set()
        for text in personal:
            text = " ".join((text or "").split())
            if len(text) < 3:
                continue
            phrases.add(text)
            for word in re.split(r"[\s,/()]+", text):
                if len(word) >= 3 and word.lower() not in NOT_NAMES:
                    words.add(word)
        # Longest first, so "Siti Aminah" goes whole before "Siti" alone is looked for.
        self._facilities = sorted(facilities.items(), key=lambda kv: -len(kv[0]))
        self._patterns = [
            re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.IGNORECASE)
            for p in sorted(phrases | words, key=len, reverse=True)
        ]

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        for name, alias in self._facilities:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", alias, text, flags=re.IGNORECASE)
        for pattern in self._patterns:
            text = pattern.sub(BLANK, text)
        return NUMBER_RUN.sub(_blank_long_number, text)


def _blank_long_number(match: re.Match) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return BLANK if digits >= PHONE_DIGITS else match.group()


def _letters():
    yield from string.ascii_uppercase
    for first in string.ascii_uppercase:
        for second in string.ascii_uppercase:
            yield first + second


class Aliases:
    """ "Puskesmas A", "RS B": letters in order of first appearance, within one file."""

    def __init__(self) -> None:
        self._by_id: dict[str, str] = {}
        self._letters = _letters()
        self._facilities: dict[str, Facility] = {}

    def __call__(self, facility_id) -> str | None:
        if not facility_id:
            return None
        key = str(facility_id)
        if key not in self._by_id:
            facility = Facility.objects.filter(pk=key).first()
            if facility is None:
                return None
            self._facilities[key] = facility
            prefix = KIND_PREFIX.get(facility.kind, "Faskes")
            self._by_id[key] = f"{prefix} {next(self._letters)}"
        return self._by_id[key]

    def names(self) -> dict[str, str]:
        """Every facility's name and code -> its alias, those not aliased yet included
        (a story may name a facility the timeline does not)."""
        for facility in Facility.objects.all():
            self(facility.pk)
        found = {}
        for key, facility in self._facilities.items():
            found[facility.name] = self._by_id[key]
            found[facility.code] = self._by_id[key]
        return found

    def listed(self, used: set[str]) -> list[dict]:
        return [
            {"facility": alias, "kind": self._facilities[key].kind}
            for key, alias in self._by_id.items()
            if alias in used
        ]


def _personal_strings(case: DeathCase) -> set[str]:
    """Everything personal the service knows of this case's people."""
    found = {case.full_name, case.village, case.person.nik}
    records = Mother.objects.filter(person_id=case.person_id)
    for record in records:
        found |= {record.full_name, record.phone, record.address, record.village}
    autopsy = getattr(case, "verbal_autopsy", None)
    if autopsy is not None:
        found.add(autopsy.informant)
    # Every staff member of the regency, not only those the record shows at work: a
    # story may name any doctor or midwife, and a name blanked too often costs little.
    for full_name, username, phone in User.objects.values_list("full_name", "username", "phone"):
        found |= {full_name, username, phone}
    return {s for s in found if s}


def _at(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def review_file(case: DeathCase) -> dict:
    """The anonymised file of ``case`` (a DeathCase with its steps)."""
    aliases = Aliases()
    summary: FacilitySummary | None = getattr(case, "facility_summary", None)
    used: set[str] = set()

    def alias(facility_id) -> str | None:
        name = aliases(facility_id)
        if name:
            used.add(name)
        return name

    timeline = []
    for event in summary.events if summary else []:
        detail = dict(event.get("detail") or {})
        if "to_facility" in detail:
            detail["to_facility"] = alias(detail["to_facility"])
        timeline.append(
            {
                "at": event.get("at"),
                "what": event.get("what"),
                "facility": alias(event.get("facility")),
                "detail": {k: v for k, v in detail.items() if not isinstance(v, dict)},
            }
        )
    timeline.append(
        {
            "at": _at(case.died_at) if case.died_time_known else _at(case.died_on),
            "what": "death",
            "facility": alias(case.place_facility_id),
            "detail": {"place": case.place or None},
        }
    )
    timeline.append(
        {
            "at": _at(case.notified_at),
            "what": "notified",
            "facility": alias(case.facility_id),
            "detail": {"late": case.notified_late},
        }
    )
    autopsy = getattr(case, "verbal_autopsy", None)
    review = getattr(case, "review", None)
    if autopsy is not None:
        timeline.append({"at": _at(autopsy.interview_date), "what": "verbal_autopsy",
                         "facility": None, "detail": {}})  # fmt: skip
    if review is not None:
        timeline.append({"at": _at(review.review_date), "what": "review",
                         "facility": None, "detail": {}})  # fmt: skip
    timeline.sort(key=lambda e: e["at"] or "")

    redact = Redactor(personal=_personal_strings(case), facilities=aliases.names())
    pregnancy = case.pregnancy
    return {
        "case_number": case.case_number,
        "kind": case.kind,
        "status": case.status,
        "age": age_on(case.date_of_birth, case.died_on) if case.date_of_birth else None,
        "gravida": pregnancy.gravida if pregnancy else None,
        "para": pregnancy.para if pregnancy else None,
        "abortus": pregnancy.abortus if pregnancy else None,
        "registered": pregnancy is not None,
        "gestational_weeks": case.gestational_weeks,
        "days_after_end": case.days_after_end,
        "baby_weight_g": case.baby_weight_g,
        "place": case.place or None,
        "place_facility": alias(case.place_facility_id),
        "notifying_facility": alias(case.facility_id),
        "notified_late": case.notified_late,
        "suspected_cause_group": case.suspected_cause_group or None,
        "timeline": timeline,
        "facilities": aliases.listed(used),
        "screening": (
            {"is_maternal": case.screening.is_maternal, "answers": case.screening.answers}
            if getattr(case, "screening", None) is not None
            else None
        ),
        "verbal_autopsy": (
            {
                "interview_date": autopsy.interview_date,
                "informant_relation": autopsy.informant_relation or None,
                "story": redact(autopsy.story),
                "delays": {d: getattr(autopsy, f"delay_{d}") for d in rules.DELAYS},
            }
            if autopsy is not None
            else None
        ),
        "facility_account": redact(summary.narrative) if summary else "",
        "review": (
            {
                "review_date": review.review_date,
                "cause_group": review.cause_group,
                "avoidable": review.avoidable,
                "delays": {d: getattr(review, f"delay_{d}") for d in rules.DELAYS},
                "findings": redact(review.findings),
            }
            if review is not None
            else None
        ),
        "recommendations": [
            {
                "text": redact(r.text),
                "responsible": redact(r.responsible),
                "due": r.due,
                "done": r.done,
                "done_note": redact(r.done_note),
            }
            for r in case.recommendations.all()
        ],
    }
