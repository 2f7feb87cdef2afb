"""The regency's districts (kecamatan): read from a text file and loaded idempotently.

Used by ``manage.py load_districts`` (a fresh production database has none, and an
admin cannot create a facility without one) and by ``seed_demo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from jsc.people.models import District

# The bundled list: Kabupaten Jember's 31 kecamatan.
JEMBER_KECAMATAN = Path(__file__).resolve().parent / "data" / "jember-kecamatan.txt"


@dataclass
class LoadedDistricts:
    districts: list[District]  # every district the file names, in the file's order
    added: int


def read_district_names(path: Path = JEMBER_KECAMATAN) -> list[str]:
    """One name a line; blank lines and ``#`` comments skipped, repeats dropped.

    Raises ValueError naming the line of a name the database could not hold.
    """
    max_length = District._meta.get_field("name").max_length
    names: list[str] = []
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name or name in names:
            continue
        if len(name) > max_length or "\x00" in name:
            raise ValueError(
                f"{path.name}, line {number}: not a district name (at most {max_length} "
                "characters, no NUL)"
            )
        names.append(name)
    return names


@transaction.atomic
def load_districts(path: Path = JEMBER_KECAMATAN) -> LoadedDistricts:
    """Create every district ``path`` names that is not there yet (found by name)."""
    loaded = LoadedDistricts(districts=[], added=0)
    for name in read_district_names(path):
        district, created = District.objects.get_or_create(name=name)
        loaded.districts.append(district)
        loaded.added += created
    return loaded
