"""Data for the security suite: one pregnancy (and its visit, outcome-free) per facility.

Registered through the API as each facility's own midwife, so the records are what a
phone would have made; near term (25 days to EDD), so the alert scan owes an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from jsc.people.models import Facility, Role, User
from tests.conftest import make_user
from tests.pregnancies.helpers import PATRANG, SUMBERSARI, build_nik

# Names, NIKs and phones the leak scans look for (tests/security/test_no_leaks.py).
MOTHERS = {
    SUMBERSARI: ("Siti Aminah", "+6281234567890", date(1995, 8, 17)),
    PATRANG: ("Dewi Lestari", "+6285711112222", date(1993, 4, 2)),
}


@dataclass
class Seeded:
    pregnancy: str
    visit: str
    nik: str
    full_name: str
    phone: str


def registration(place6: str, *, today: date, serial: int = 7) -> dict:
    full_name, phone, dob = MOTHERS[place6]
    return {
        "mother": {
            "nik": build_nik(dob, serial=serial, place6=place6),
            "full_name": full_name,
            "date_of_birth": dob.isoformat(),
            "phone": phone,
            "village": "Kranjingan",
            "address": "Jl. Kalimantan 12",
        },
        "lmp": (today - timedelta(days=255)).isoformat(),
        "gravida": 2,
        "para": 1,
        "abortus": 0,
        "height_cm": 150,
        "risk_factors": ["previous_caesarean"],
    }


def seed_pregnancy(midwife: User, place6: str, serial: int = 7) -> Seeded:
    today = timezone.localdate()
    client = APIClient()
    client.force_authenticate(midwife)
    body = registration(place6, today=today, serial=serial)
    answer = client.post("/api/v1/pregnancies/", body, format="json")
    assert answer.status_code == 201, answer.content
    pregnancy = answer.json()["id"]
    visit = client.post(
        f"/api/v1/pregnancies/{pregnancy}/visits/",
        {"date": today.isoformat(), "weight_kg": 61.5},  # no blood pressure: null hypertension
        format="json",
    )
    assert visit.status_code == 201, visit.content
    mother = body["mother"]
    return Seeded(
        pregnancy, visit.json()["id"], mother["nik"], mother["full_name"], mother["phone"]
    )


def seed_registry(*, sumbersari: Facility, patrang: Facility) -> dict[str, Seeded]:
    """A pregnancy at each facility, registered by a midwife of that facility."""
    return {
        "sumbersari": seed_pregnancy(make_user("seed-sbs", Role.MIDWIFE, sumbersari), SUMBERSARI),
        "patrang": seed_pregnancy(make_user("seed-ptr", Role.MIDWIFE, patrang), PATRANG),
    }


def readable_paths(cast: dict) -> list[str]:
    """Every GET of the API's schema, its path parameters naming the cast's records (a
    made-up value where none fits), for suites that read everything as one role."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    from notifications.models import AlertRule
    from pregnancies.models import Pregnancy

    pregnancy = Pregnancy.objects.get(pk=cast["seeded"]["sumbersari"].pregnancy)
    ids = {
        "pregnancy_id": pregnancy.pk,
        "/api/v1/mothers/{id}/": pregnancy.person_id,
        "/api/v1/pregnancies/{id}/": pregnancy.pk,
        "/api/v1/facilities/{id}/": cast["sumbersari"].pk,
        "/api/v1/users/{id}/": cast["ana"].pk,
        "/api/v1/alert-rules/{id}/": AlertRule.objects.order_by("id").first().pk,
        "year": timezone.localdate().year,
    }
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        re.sub(r"{([^}]+)}", lambda m, p=path: str(ids.get(p, ids.get(m.group(1), "x"))), path)
        for path, item in schema["paths"].items()
        if "get" in item
    ]
