"""The high-risk list as CSV: one header row, one row a pregnancy, no nested objects.

The columns are the same for everyone; what a row withholds (an admin's: no mother, no
risk factors, docs/dashboard.md) is an empty cell."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer


def _mother(field: str):
    return lambda r: (r["mother"] or {}).get(field) or ""


HIGH_RISK_COLUMNS = (
    ("pregnancy", lambda r: r["pregnancy"]),
    ("full_name", _mother("full_name")),
    ("village", _mother("village")),
    ("village_code", _mother("village_code")),
    ("district", lambda r: r["district"]),
    ("phone", _mother("phone")),
    ("facility", lambda r: r["facility"]["name"]),
    ("edd", lambda r: r["edd"]),
    ("days_to_edd", lambda r: r["days_to_edd"]),
    ("risk_band", lambda r: r["risk_band"]),
    ("kspr_score", lambda r: "" if r["kspr_score"] is None else r["kspr_score"]),
    ("risk_factors", lambda r: " ".join(r["risk_factors"] or [])),
    ("birth_place", lambda r: r["birth_plan"]["place"]),
    ("birth_attendant", lambda r: r["birth_plan"]["attendant"]),
    ("referral", lambda r: r["birth_plan"]["referral"]),
    ("doctor", lambda r: r["doctor"]["full_name"] if r["doctor"] else ""),
    ("last_visit", lambda r: r["last_visit"] or ""),
    ("unacknowledged_alerts", lambda r: r["unacknowledged_alerts"]),
)


def high_risk_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in HIGH_RISK_COLUMNS])
    for row in rows:
        # A leading =, +, - or @ would run as a formula in a spreadsheet.
        writer.writerow([_cell(get(row)) for _, get in HIGH_RISK_COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    text = str(value)
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode("utf-8")
        # Errors (400, 403) keep their JSON shape's words, one per line.
        return "\n".join(f"{k}: {v}" for k, v in (data or {}).items()).encode("utf-8")
