"""What the deaths tests share: the frozen moment, notification bodies, a registered
mother who gave birth ten days ago, and a case taken through every step."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine

from tests.pregnancies.helpers import JAKARTA, build_nik
from tests.pregnancies.helpers import URL as PREGNANCIES

# 10 March 2026, 09:00 in Jember.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=JAKARTA)
TODAY = NOW.date()
URL = "/api/v1/deaths/"


def at(days_ago: float = 0, hours_ago: float = 0) -> str:
    return (NOW - timedelta(days=days_ago, hours=hours_ago)).isoformat()


def case_url(case_id, tail: str = "") -> str:
    return f"{URL}{case_id}/{tail}"


def person(serial: int = 31, dob: date = date(1990, 5, 4), **fields) -> dict:
    return {
        "nik": build_nik(dob, serial=serial),
        "full_name": "Sulastri Wahyuni",
        "date_of_birth": dob.isoformat(),
        "village": "Tegalgede",
        **fields,
    }


def unregistered(**overrides) -> dict:
    """A woman never registered, dead 3 days after giving birth at home, told 5 h later."""
    body = {
        "kind": "maternal",
        "person": person(),
        "died_at": at(hours_ago=5),
        "place": "home",
        "days_after_end": 3,
        "notes": "Perdarahan setelah melahirkan di rumah.",
    }
    body.update(overrides)
    return body


def delivered(client, *, serial: int = 50, days_ago: int = 10, kind: str = "live_birth") -> str:
    """A pregnancy registered at the caller's facility, ended ``days_ago`` days ago (both
    recorded on that day, as a midwife would have)."""
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=True):
        return _delivered(client, serial=serial, on=TODAY - timedelta(days=days_ago), kind=kind)


def _delivered(client, *, serial: int, on: date, kind: str) -> str:
    registration = {
        "mother": {
            "nik": build_nik(date(1996, 2, 11), serial=serial),
            "full_name": "Siti Aminah",
            "date_of_birth": "1996-02-11",
            "phone": "+6281234567890",
            "village": "Tegalgede",
            "address": "Jl. Kalimantan 12",
        },
        "lmp": (on - timedelta(days=275)).isoformat(),
        "gravida": 3,
        "para": 1,
        "abortus": 1,
        "height_cm": 150,
    }
    response = client.post(PREGNANCIES, registration, format="json")
    assert response.status_code == 201, response.content
    pregnancy = response.json()["id"]
    outcome = {
        "kind": kind,
        "date": on.isoformat(),
        "place": "Puskesmas Sumbersari",
    }
    answer = client.post(f"{PREGNANCIES}{pregnancy}/outcome/", outcome, format="json")
    assert answer.status_code == 201, answer.content
    return pregnancy


def notify(client, body: dict) -> dict:
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def autopsy(**overrides) -> dict:
    body = {
        "interview_date": TODAY.isoformat(),
        "informant": "Pak Budi, suami",
        "informant_relation": "spouse",
        "story": "Ibu melahirkan di rumah dan perdarahan; keluarga menunggu dua jam.",
        "delays": {"deciding": True, "reaching": True, "receiving": False},
    }
    body.update(overrides)
    return body


def review(**overrides) -> dict:
    body = {
        "review_date": TODAY.isoformat(),
        "cause_group": "grup3-icdmm",
        "avoidable": "yes",
        "delays": {"deciding": True, "reaching": True, "receiving": False},
        "findings": "Persalinan di rumah tanpa tenaga kesehatan.",
        "recommendations": [
            {
                "text": "Kelas ibu hamil tentang tanda bahaya.",
                "responsible": "Puskesmas Sumbersari",
                "due": (TODAY + timedelta(days=30)).isoformat(),
            }
        ],
    }
    body.update(overrides)
    return body
