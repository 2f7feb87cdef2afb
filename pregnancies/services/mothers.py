"""A mother's identity and each facility's record of her.

The NIK (normalised, a woman's, valid) names one person; each facility keeps its own
record of her name, date of birth (agreeing with the NIK) and contact details
(docs/mothers.md). The NIK is never logged nor echoed in a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from jsc.people.models import Facility, Village
from jsc.people.places import VillageAmbiguous, VillageNotFound, places_loaded, village_find
from pregnancies.audit import Disclosed, audit_match
from pregnancies.errors import Conflict, Errors
from pregnancies.models import Mother, Person, Pregnancy
from pregnancies.rules.nik import nik_birth_date, nik_errors, normalize_nik
from pregnancies.selectors import pregnancies_visible_to

CONTACT_FIELDS = ("phone", "village", "address")


def checked_nik(raw: str, errors: Errors) -> str | None:
    """The normalised NIK, or None after adding the reasons to ``errors["mother"]["nik"]``."""
    nik = normalize_nik(raw)
    if messages := nik_errors(nik, None, require_female=True):
        errors.merge({"nik": messages}, within="mother")
        return None
    return nik


def checked_birth_date(
    nik: str, date_of_birth: date | None, *, today: date, errors: Errors
) -> date | None:
    """The given date of birth when it agrees with the NIK, else the NIK's own."""
    if date_of_birth is None:
        try:
            return nik_birth_date(nik, today)
        except ValueError as exc:
            errors.add("nik", str(exc), within="mother")
            return None
    if date_of_birth > today:
        errors.add(
            "date_of_birth", _("The date of birth cannot be in the future."), within="mother"
        )
        return None
    if messages := nik_errors(nik, date_of_birth):
        errors.merge({"date_of_birth": messages}, within="mother")
        return None
    return date_of_birth


def checked_village(
    raw: str | None, *, district: Callable[[], object], errors: Errors
) -> tuple[str, Village | None]:
    """The village's name to store and the regency's village it is (docs/places.md).

    A code or an unambiguous name (a name shared by two districts is settled by the
    facility's district: ``district()`` gives its id, asked only once the places are
    loaded, so a request that needs no district reads no facility). Before the regency's
    places are loaded the text is kept as it came, unmatched. An unknown or ambiguous one
    adds to ``errors["mother"]["village"]``.
    """
    text = (raw or "").strip()
    if not text or not places_loaded():
        return text, None
    try:
        village = village_find(text, district_id=district())
    except (VillageNotFound, VillageAmbiguous) as exc:
        errors.add("village", str(exc), within="mother")
        return text, None
    return village.name, village


def nik_taken_at_facility(nik: str, *, facility_id, mother_id) -> bool:
    """Whether another record of this facility carries the NIK: the caller's facility,
    whose records are all it may see, so the answer tells nothing of another's."""
    return (
        Mother.objects.filter(person__nik=nik, facility_id=facility_id)
        .exclude(pk=mother_id)
        .exists()
    )


def person_for_nik(nik: str) -> Person:
    """The person with this NIK, made on first sight. Two registrations racing for a new
    NIK: the unique index lets one insert, get_or_create re-reads for the other."""
    person, _ = Person.objects.get_or_create(nik=nik)
    return person


@dataclass(frozen=True)
class MotherRecord:
    mother: Mother
    new: bool  # this facility's record was made now
    # The NIK was first seen now: nothing else (a pregnancy, an outcome, another
    # facility's record) can name her before this transaction commits.
    new_person: bool


def mother_record_upsert(values: dict, *, given: set[str], facility_id, by) -> MotherRecord:
    """The facility's own record of the mother with this NIK, created or brought up to
    date with what was given.

    Only this facility's record is read or written: another facility's record of the
    same person discloses nothing and changes nothing (docs/mothers.md). A mother this
    facility registered before keeps her record (and its id); her name and any contact
    field present in the request are updated.
    """
    person, new_person = Person.objects.get_or_create(nik=values["nik"])
    fields = {**{k: v for k, v in values.items() if k != "nik"}, "recorded_by": by}
    if new_person:
        # Her person row is not committed yet, so no other record of her can exist.
        mother = Mother.objects.create(person=person, facility_id=facility_id, **fields)
        return MotherRecord(mother, new=True, new_person=True)
    mother, created = Mother.objects.get_or_create(
        person=person, facility_id=facility_id, defaults=fields
    )
    mother.person = person  # the answer shows her NIK: no second read of the person
    if created:
        return MotherRecord(mother, new=True, new_person=False)
    changed = []
    # The matched village moves with the village text.
    given = {*given, "village_place"} if "village" in given else given
    for field in ("full_name", "date_of_birth", *CONTACT_FIELDS, "village_place"):
        if field in given and getattr(mother, field) != values[field]:
            setattr(mother, field, values[field])
            changed.append(field)
    if changed:
        mother.save(update_fields=[*changed, "updated_at"])
    return MotherRecord(mother, new=False, new_person=False)


def other_facilities_of(person_id, *, facility_id) -> list[str]:
    """The ids of the other facilities that hold a record of this person, for the audit."""
    return sorted(
        str(f)
        for f in Mother.objects.filter(person_id=person_id)
        .exclude(facility_id=facility_id)
        .values_list("facility_id", flat=True)
    )


def nik_match_audit(nik: str, *, by) -> None:
    """Audit a NIK typed at the caller's facility that matched records other facilities
    hold, when the answer disclosed nothing of them (docs/mothers.md, "Audit of
    matches"). Called after the request's transaction, so a 400 is audited too."""
    person_id = Person.objects.filter(nik=nik).values_list("pk", flat=True).first()
    if person_id is None:
        return
    if others := other_facilities_of(person_id, facility_id=by.facility_id):
        audit_match(
            user=by, person_id=person_id, matched_facilities=others, disclosed=Disclosed.NOTHING
        )


def active_pregnancy_conflict(pregnancy_id, facility_id, *, by) -> Conflict:
    """409 for a mother with an active pregnancy, saying only what the caller may know.

    The caller's own (or referred) pregnancy: its id, to open it. Another facility's:
    that facility's name, so the midwife can call and ask for a referral, and nothing
    else (docs/mothers.md). Whenever another facility holds a record of her the match
    is audited, with what the answer disclosed; the caller writes no transaction around
    this, so the entry stays although the request changes nothing.
    """
    visible = pregnancies_visible_to(by).filter(pk=pregnancy_id).exists()
    person_id = Pregnancy.objects.values_list("person_id", flat=True).get(pk=pregnancy_id)
    if others := other_facilities_of(person_id, facility_id=by.facility_id):
        if facility_id == by.facility_id:
            disclosed = Disclosed.NOTHING  # her pregnancy here: nothing of the others'
        elif visible:
            disclosed = Disclosed.REFERRED_PREGNANCY
        else:
            disclosed = Disclosed.FACILITY_NAME
        audit_match(user=by, person_id=person_id, matched_facilities=others, disclosed=disclosed)
    if visible:
        return Conflict(
            _(
                "This mother already has an active pregnancy; record its outcome before "
                "registering a new one."
            ),
            pregnancy=str(pregnancy_id),
        )
    name = Facility.objects.values_list("name", flat=True).get(pk=facility_id)
    return Conflict(
        _("This mother has an active pregnancy at %(facility)s; call them and ask for a referral.")
        % {"facility": name},
        facility=name,
    )
