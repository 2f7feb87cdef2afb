"""Who may do what: every endpoint x every role x whose object, as one table.

The test (test_access_matrix.py) runs every cell against the real API; the README's
"Who sees what" table is rendered from the same rows (``python -m
tests.security.access_matrix --readme`` rewrites it) and a test checks the two agree.

Targets: ``own`` is an object of the caller's facility (Puskesmas Sumbersari, where
midwife Ana and Dr. Citra work), ``other`` one of another facility (Puskesmas Patrang),
``-`` an endpoint with no object of a facility. The health office and admins belong to
no facility, so for them ``own`` and ``other`` are simply two facilities' objects.
Alerts: ``own`` is an alert to Dr. Citra, ``other`` one to Dr. Dodi at Patrang (an
inbox is personal: only its doctor reads and acknowledges it). Devices: ``own`` is the
caller's phone, ``other`` someone else's.

``referred`` is a pregnancy of Puskesmas Patrang referred to the caller's facility.
Deaths: ``own`` is a case the caller's facility notified, ``other`` one Puskesmas Patrang
notified.

The rows after it are the writes that take a NIK, by the facility a referral opened one
pregnancy to (docs/mothers.md): a correction of the referred pregnancy's mother (her
NIK to one nobody recorded, to the NIK of Patrang's never-referred mother, or her
phone), a NIK correction on Patrang's never-referred pregnancy, and a registration with
the NIK of the referred mother or of the never-referred one.

``listed, ids only`` (an admin's high-risk list): 200, the object is in the list, and the
answer holds no mother's name, NIK or phone (docs/dashboard.md, "Who sees the mothers").

Cells: a status code; for lists, ``listed`` (200 and the object is in it) or
``hidden`` (200 and it is not).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROLES = ("midwife", "doctor", "health_office", "admin", "anonymous")
LISTED = "listed"
HIDDEN = "hidden"
IDS = "listed, ids only"

# endpoint, target, then one cell per role in ROLES order.
MATRIX: list[tuple] = [
    # endpoint                                      target   midwife doctor  dinkes  admin  anon
    ("GET /api/v1/me/",                              "-",     200,    200,    200,    200,   401),
    ("GET /api/v1/facilities/",                      "-",     200,    200,    200,    200,   401),
    ("POST /api/v1/facilities/",                     "-",     403,    403,    403,    201,   401),
    ("GET /api/v1/facilities/{id}/",                 "own",   200,    200,    200,    200,   401),
    ("GET /api/v1/facilities/{id}/",                 "other", 200,    200,    200,    200,   401),
    ("PATCH /api/v1/facilities/{id}/",               "own",   403,    403,    403,    200,   401),
    ("GET /api/v1/users/",                           "-",     403,    403,    403,    200,   401),
    ("POST /api/v1/users/",                          "-",     403,    403,    403,    201,   401),
    ("GET /api/v1/users/{id}/",                      "-",     403,    403,    403,    200,   401),
    ("PATCH /api/v1/users/{id}/",                    "-",     403,    403,    403,    200,   401),
    ("POST /api/v1/users/{id}/password/",            "-",     403,    403,    403,    204,   401),
    ("GET /api/v1/admin-changes/",                   "-",     403,    403,    403,    200,   401),
    ("GET /api/v1/pregnancies/",                     "own",   LISTED, LISTED, LISTED, 403,   401),
    ("GET /api/v1/pregnancies/",                     "other", HIDDEN, HIDDEN, LISTED, 403,   401),
    ("POST /api/v1/pregnancies/",                    "-",     201,    201,    403,    403,   401),
    ("GET /api/v1/pregnancies/{id}/",                "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/",                "other", 404,    404,    200,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/",              "own",   200,    200,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/",              "other", 404,    404,    403,    404,   401),
    ("GET /api/v1/pregnancies/{id}/visits/",         "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/visits/",         "other", 404,    404,    200,    404,   401),
    ("POST /api/v1/pregnancies/{id}/visits/",        "own",   201,    201,    403,    404,   401),
    ("POST /api/v1/pregnancies/{id}/visits/",        "other", 404,    404,    403,    404,   401),
    ("GET /api/v1/pregnancies/{id}/outcome/",        "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/outcome/",        "other", 404,    404,    200,    404,   401),
    ("POST /api/v1/pregnancies/{id}/outcome/",       "own",   201,    201,    403,    404,   401),
    ("POST /api/v1/pregnancies/{id}/outcome/",       "other", 404,    404,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/outcome/",      "own",   200,    200,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/outcome/",      "other", 404,    404,    403,    404,   401),
    ("GET /api/v1/pregnancies/{id}/risk-history/",   "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/risk-history/",   "other", 404,    404,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/referrals/",      "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/referrals/",      "other", 404,    404,    200,    404,   401),
    # Another facility's pregnancy referred to the caller's: cared for here too.
    ("GET /api/v1/pregnancies/",                     "referred", LISTED, LISTED, LISTED, 403, 401),
    ("GET /api/v1/pregnancies/{id}/",                "referred", 200,  200,    200,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/",              "referred", 200,  200,    403,    404,   401),
    ("GET /api/v1/pregnancies/{id}/visits/",         "referred", 200,  200,    200,    404,   401),
    ("POST /api/v1/pregnancies/{id}/visits/",        "referred", 201,  201,    403,    404,   401),
    ("GET /api/v1/pregnancies/{id}/referrals/",      "referred", 200,  200,    200,    404,   401),
    # A referral opens one pregnancy, not a NIK oracle (docs/mothers.md).
    ("PATCH /api/v1/pregnancies/{id}/", "referred, NIK unknown",  400,  400,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/", "referred, NIK of other", 400,  400,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/", "referred, phone",        200,  200,    403,    404,   401),
    ("PATCH /api/v1/pregnancies/{id}/", "other, NIK unknown",     404,  404,    403,    404,   401),
    ("POST /api/v1/pregnancies/",       "NIK of referred",        409,  409,    403,    403,   401),
    ("POST /api/v1/pregnancies/",       "NIK of other",           409,  409,    403,    403,   401),
    ("GET /api/v1/reference/",                       "-",     200,    200,    200,    200,   401),
    ("GET /api/v1/mothers/",                         "own",   403,    403,    LISTED, 403,   401),
    ("GET /api/v1/mothers/",                         "other", 403,    403,    LISTED, 403,   401),
    ("GET /api/v1/mothers/{id}/",                    "own",   403,    403,    200,    403,   401),
    ("GET /api/v1/mothers/{id}/",                    "other", 403,    403,    200,    403,   401),
    ("GET /api/v1/audit/",                           "-",     403,    403,    403,    200,   401),
    ("GET /api/v1/alerts/",                          "own",   HIDDEN, LISTED, HIDDEN, HIDDEN, 401),
    ("GET /api/v1/alerts/",                          "other", HIDDEN, HIDDEN, HIDDEN, HIDDEN, 401),
    ("POST /api/v1/alerts/{id}/acknowledge/",        "own",   404,    200,    404,    404,   401),
    ("POST /api/v1/alerts/{id}/acknowledge/",        "other", 404,    404,    404,    404,   401),
    ("POST /api/v1/devices/",                        "-",     201,    201,    201,    201,   401),
    ("DELETE /api/v1/devices/{id}/",                 "own",   204,    204,    204,    204,   401),
    ("DELETE /api/v1/devices/{id}/",                 "other", 404,    404,    404,    404,   401),
    ("GET /api/v1/districts/",                       "-",     200,    200,    200,    200,   401),
    ("GET /api/v1/villages/",                        "-",     200,    200,    200,    200,   401),
    ("GET /api/v1/dashboard/summary/",               "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/dashboard/pws-kia/",               "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/dashboard/high-risk/",             "own",   403,    403,    LISTED, IDS,   401),
    ("GET /api/v1/dashboard/high-risk/",             "other", 403,    403,    LISTED, IDS,   401),
    ("GET /api/v1/dashboard/alert-response/",        "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/dashboard/expected-deliveries/",   "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/dashboard/targets/{id}/",          "-",     403,    403,    200,    200,   401),
    ("PUT /api/v1/dashboard/targets/{id}/",          "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/dashboard/unmatched-villages/",    "-",     403,    403,    200,    200,   401),
    ("POST /api/v1/dashboard/unmatched-villages/",   "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/deaths/",                          "own",   LISTED, LISTED, LISTED, 403,   401),
    ("GET /api/v1/deaths/",                          "other", HIDDEN, HIDDEN, LISTED, 403,   401),
    ("POST /api/v1/deaths/",                         "-",     201,    201,    403,    403,   401),
    ("GET /api/v1/deaths/{id}/",                     "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/deaths/{id}/",                     "other", 404,    404,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/screening/",          "own",   403,    403,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/screening/",          "other", 404,    404,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/verbal-autopsy/",     "own",   200,    403,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/verbal-autopsy/",     "other", 404,    404,    200,    404,   401),
    ("PATCH /api/v1/deaths/{id}/facility-summary/",  "own",   200,    200,    200,    404,   401),
    ("PATCH /api/v1/deaths/{id}/facility-summary/",  "other", 404,    404,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/review/",             "own",   403,    403,    200,    404,   401),
    ("POST /api/v1/deaths/{id}/review/",             "other", 404,    404,    200,    404,   401),
    ("PATCH /api/v1/deaths/{id}/recommendations/{id}/", "own", 403,   403,    200,    404,   401),
    ("PATCH /api/v1/deaths/{id}/recommendations/{id}/", "other", 404, 404,    200,    404,   401),
    ("GET /api/v1/deaths/{id}/review-file/",         "own",   403,    403,    200,    404,   401),
    ("GET /api/v1/deaths/{id}/review-file/",         "other", 404,    404,    200,    404,   401),
    ("GET /api/v1/deaths/recommendations/",          "-",     403,    403,    200,    403,   401),
    ("POST /api/v1/deaths/zero-report/",             "-",     201,    201,    403,    403,   401),
    ("GET /api/v1/dashboard/deaths/",                "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/alert-rules/",                     "-",     403,    403,    403,    200,   401),
    ("POST /api/v1/alert-rules/",                    "-",     403,    403,    403,    201,   401),
    ("GET /api/v1/alert-rules/{id}/",                "-",     403,    403,    403,    200,   401),
    ("PATCH /api/v1/alert-rules/{id}/",              "-",     403,    403,    403,    200,   401),
    ("GET /api/v1/satusehat/status/",                "-",     403,    403,    200,    200,   401),
    ("GET /api/v1/satusehat/patients-not-found/",    "-",     200,    200,    200,    403,   401),
    ("GET /api/v1/pregnancies/{id}/satusehat/",      "own",   200,    200,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/satusehat/",      "other", 404,    404,    200,    404,   401),
    ("GET /api/v1/pregnancies/{id}/satusehat/",      "referred", 200,  200,    200,    404,   401),
]  # fmt: skip

HEADINGS = ("endpoint", "object", "midwife", "doctor", "health office", "admin", "anonymous")
TARGET_WORDS = {
    "-": "",
    "own": "own facility's",
    "other": "another facility's",
    "referred": "referred to own facility",
    "referred, NIK unknown": "referred to own facility; `mother.nik` one nobody recorded",
    "referred, NIK of other": "referred to own facility; `mother.nik` of another facility's "
    "never-referred mother",
    "referred, phone": "referred to own facility; `mother.phone`",
    "other, NIK unknown": "another facility's; `mother.nik` one nobody recorded",
    "NIK of referred": "`mother.nik` of the mother referred to own facility",
    "NIK of other": "`mother.nik` of another facility's never-referred mother",
}


def cells() -> list[tuple[str, str, str, object]]:
    """(endpoint, target, role, expected) for every cell: the test's parameters."""
    return [
        (endpoint, target, role, expected)
        for endpoint, target, *row in MATRIX
        for role, expected in zip(ROLES, row, strict=True)
    ]


def markdown() -> str:
    """The table as the README shows it."""
    lines = [
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    for endpoint, target, *row in MATRIX:
        shown = [f"`{endpoint}`", TARGET_WORDS.get(target, target), *map(str, row)]
        lines.append("| " + " | ".join(shown) + " |")
    return "\n".join(lines) + "\n"


def write_readme(path: Path) -> None:
    """Replace the table in the README (the block that starts with its heading row)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("| endpoint | object |"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    path.write_text("".join(lines[:start]) + markdown() + "".join(lines[end:]), encoding="utf-8")


if __name__ == "__main__":
    if "--readme" in sys.argv:
        write_readme(Path(__file__).resolve().parents[2] / "README.md")
    else:
        print(markdown(), end="")
