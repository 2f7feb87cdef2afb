"""A mother's identity: the NIK (normalised, a woman's, valid) and a date of birth
that agrees with it. The NIK is never logged nor echoed in a message."""

from __future__ import annotations

from datetime import date

from jsc.people.models import Village
from jsc.people.places import VillageAmbiguous, VillageNotFound, places_loaded, village_find
from pregnancies.errors import Errors
from pregnancies.models import Mother
from pregnancies.rules.nik import nik_birth_date, nik_errors, normalize_nik

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
        errors.add("date_of_birth", "The date of birth cannot be in the future.", within="mother")
        return None
    if messages := nik_errors(nik, date_of_birth):
        errors.merge({"date_of_birth": messages}, within="mother")
        return None
    return date_of_birth


def checked_village(raw: str | None, *, district_id, errors: Errors) -> tuple[str, Village | None]:
    """The village's name to store and the regency's village it is (docs/places.md).

    A code or an unambiguous name (a name shared by two districts is settled by the
    facility's district). Before the regency's places are loaded the text is kept as it
    came, unmatched. An unknown or ambiguous one adds to ``errors["mother"]["village"]``.
    """
    text = (raw or "").strip()
    if not text or not places_loaded():
        return text, None
    try:
        village = village_find(text, district_id=district_id)
    except (VillageNotFound, VillageAmbiguous) as exc:
        errors.add("village", str(exc), within="mother")
        return text, None
    return village.name, village


def nik_taken_by_another(nik: str, mother_id) -> bool:
    return Mother.objects.filter(nik=nik).exclude(pk=mother_id).exists()


def mother_upsert(values: dict, *, given: set[str]) -> Mother:
    """The mother with this NIK, created or brought up to date with what was given.

    A mother registered for an earlier pregnancy keeps her row (and id); her name and
    any contact field present in the request are updated. Two registrations racing for
    a new NIK: the unique index lets one insert, get_or_create re-reads for the other.
    """
    mother, created = Mother.objects.get_or_create(
        nik=values["nik"],
        defaults={k: v for k, v in values.items() if k != "nik"},
    )
    if created:
        return mother
    changed = []
    matched = ["village_place"] if "village" in given else []
    for field in ("full_name", "date_of_birth", *CONTACT_FIELDS, *matched):
        if field in given and getattr(mother, field) != values[field]:
            setattr(mother, field, values[field])
            changed.append(field)
    if changed:
        mother.save(update_fields=[*changed, "updated_at"])
    return mother
