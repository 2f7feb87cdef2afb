"""The Indonesian catalogues (locale/id, and any app's own locale/id) hold a translation
for every message the code marks, keep each message's placeholders, and each committed
.mo is its .po compiled. `make run` reads the .mo files, so a stale one would show
English on a machine without gettext."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.support import BASE_DIR

LOCALE = BASE_DIR / "locale" / "id" / "LC_MESSAGES"
CATALOGUES = sorted(
    p for p in BASE_DIR.glob("**/locale/id/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^{}]*\}")


@pytest.fixture(scope="module", params=CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def catalogue(request) -> polib.POFile:
    return polib.pofile(str(request.param))


def test_the_project_catalogue_is_among_them():
    assert LOCALE / "django.po" in CATALOGUES


def test_every_message_has_an_indonesian_translation(catalogue):
    missing = [e.msgid for e in catalogue if not e.translated() or "fuzzy" in e.flags]

    assert missing == []
    assert catalogue.metadata["Language"] == "id"


def test_every_translation_keeps_the_placeholders_of_its_message(catalogue):
    wrong = []
    for entry in catalogue:
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((entry.msgid, text))

    assert wrong == []


def test_the_committed_mo_is_the_po_compiled(catalogue, tmp_path):
    fresh = tmp_path / "django.mo"
    catalogue.save_as_mofile(str(fresh))
    committed_mo = Path(catalogue.fpath).with_suffix(".mo")
    with committed_mo.open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalog = gettext.GNUTranslations(committed)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog
    # The header ("" key) carries creation dates, which differ between tools.
    committed_catalog.pop("")
    compiled_catalog.pop("")

    assert committed_catalog == compiled_catalog


def test_the_catalogues_hold_every_message_the_code_marks(tmp_path):
    """`makemessages` on a copy of the code finds no message the catalogues lack."""
    assert shutil.which("xgettext"), "GNU gettext is missing; run bin/ensure-test-deps"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    copy = tmp_path / "jsc"
    for name in files:
        if name.endswith((".py", ".html", ".txt")) and not name.startswith(("tests/", "bench/")):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(BASE_DIR / name, copy / name)
    (copy / "locale" / "id" / "LC_MESSAGES").mkdir(parents=True)
    extracted = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--no-location"],
        cwd=copy, env={"PATH": "/usr/bin:/bin", "JSC_ENV": "local", "JSC_VAR_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert extracted.returncode == 0, extracted.stderr
    found = {e.msgid for e in polib.pofile(str(copy / "locale/id/LC_MESSAGES/django.po"))}
    known = {e.msgid for path in CATALOGUES for e in polib.pofile(str(path))}

    assert sorted(found - known) == []


def test_the_service_answers_from_the_catalogue(client):
    from django.utils import translation

    with translation.override("id"):
        assert translation.gettext("Unknown query parameter.") == "Parameter kueri tidak dikenal."
    with translation.override("en"):
        assert translation.gettext("Unknown query parameter.") == "Unknown query parameter."


def test_the_catalogue_path_is_the_one_the_settings_read(settings):
    assert Path(settings.LOCALE_PATHS[0]) == BASE_DIR / "locale"
