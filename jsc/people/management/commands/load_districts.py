"""Load the regency's districts (kecamatan), so admins can create facilities in them.

A fresh database has none, and ``seed_demo`` (which also loads them) refuses to run in
production. Safe to run twice: a district is found by its name before it is created.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jsc.people.districts import JEMBER_KECAMATAN, load_districts


class Command(BaseCommand):
    help = "Load district (kecamatan) names, one a line, '#' comments. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=JEMBER_KECAMATAN,
            help="A UTF-8 text file of names (default: the bundled Jember list).",
        )

    def handle(self, *args, file: Path, **options):
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
