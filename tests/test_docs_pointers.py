"""A reader has only the repository: every comment that cites a rule's source points
into docs/, to a page and section that exist; none cites a file outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
# A bare name (not docs/..., not a Markdown link's text) or the shared folder.
OUTSIDE = re.compile(r"(?<![\w/\[])(?:\.\./shared/|(?:domain|style|tech-notes|api-contract)\.md)")
CITATION = re.compile(r'docs/([\w-]+\.md)(?:, "([^"]+)")?')


def tracked_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return [BASE_DIR / n for n in names if n.endswith((".py", ".html", ".txt", ".yml", ".md"))]


def test_no_file_cites_a_document_outside_the_repository():
    outside = []
    for path in tracked_files():
        relative = path.relative_to(BASE_DIR)
        if relative.parts[0] == "docs" or path == Path(__file__):
            continue  # docs/ links its own pages by their bare names
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                outside.append(f"{relative}:{number}: {line.strip()}")

    assert outside == []


def test_every_citation_names_a_page_and_section_that_exist():
    broken = []
    for path in tracked_files():
        if path == Path(__file__):
            continue
        text = path.read_text(errors="replace")
        for page, section in CITATION.findall(text):
            # A section name may wrap onto the next comment line.
            section = re.sub(r"\s*\n\s*#?\s*", " ", section)
            target = BASE_DIR / "docs" / page
            if not target.exists():
                broken.append(f"{path.relative_to(BASE_DIR)}: docs/{page} does not exist")
                continue
            headings = [h.strip() for h in re.findall(r"^#+ (.+)$", target.read_text(), re.M)]
            if section and not any(h.startswith(section) for h in headings):
                broken.append(f'{path.relative_to(BASE_DIR)}: docs/{page} has no "{section}"')

    assert broken == []
