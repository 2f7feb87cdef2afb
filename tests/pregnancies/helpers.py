"""Shared bits for the registry's API tests: the frozen day, NIKs, request bodies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 3, 10)
# 09:00 in Jember; still 9 March in UTC at 01:00 would be wrong, so the tests also
# prove that "today" is Jakarta's date, not the server's.
NOW = datetime(2026, 3, 10, 1, 30, tzinfo=JAKARTA)

SUMBERSARI = "350921"  # Jember (35.09), kecamatan Sumbersari
PATRANG = "350920"
URL = "/api/v1/pregnancies/"


def build_nik(dob: date, *, female: bool = True, serial: int = 1, place6: str = SUMBERSARI) -> str:
    """A NIK as Dukcapil lays it out: place, DDMMYY (women: day + 40), serial."""
    day = dob.day + 40 if female else dob.day
    return f"{place6}{day:02d}{dob.month:02d}{dob.year % 100:02d}{serial:04d}"


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def mother(dob: date = date(1995, 8, 17), serial: int = 12, **fields) -> dict:
    return {
        "nik": build_nik(dob, serial=serial),
        "full_name": "Siti Aminah",
        "date_of_birth": dob.isoformat(),
        "phone": "+6281234567890",
        "village": "Kranjingan",
        "address": "Jl. Kalimantan 12",
        **fields,
    }


def body(**overrides) -> dict:
    """A valid registration: LMP 10 weeks ago, G2 P1 A0, 150 cm, no risk factor."""
    data = {
        "mother": mother(),
        "lmp": days_ago(70).isoformat(),
        "edd": None,
        "gravida": 2,
        "para": 1,
        "abortus": 0,
        "height_cm": 150,
        "risk_factors": [],
    }
    data.update(overrides)
    return data


def register(client, **overrides):
    response = client.post(URL, body(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def delivered(client, created) -> None:
    """Give ``created`` a live birth 80 days ago (its LMP moved to 300 days ago), before
    the LMP of a next pregnancy registered with the defaults (70 days ago), as the dates
    rules ask (docs/pregnancies.md)."""
    moved = client.patch(
        f"{URL}{created['id']}/", {"lmp": days_ago(300).isoformat()}, format="json"
    )
    assert moved.status_code == 200, moved.content
    response = client.post(
        f"{URL}{created['id']}/outcome/",
        {"kind": "live_birth", "date": days_ago(80).isoformat(), "babies_born_alive": 1},
        format="json",
    )
    assert response.status_code == 201, response.content


def detail(pregnancy_id) -> str:
    return f"{URL}{pregnancy_id}/"


def visits(pregnancy_id) -> str:
    return f"{URL}{pregnancy_id}/visits/"


def outcome(pregnancy_id) -> str:
    return f"{URL}{pregnancy_id}/outcome/"


def register_many(client, n: int, *, start_serial: int = 100, **overrides) -> list[dict]:
    """n pregnancies of different mothers, EDDs one day apart (the first due soonest)."""
    made = []
    for i in range(n):
        data = body(
            mother=mother(serial=start_serial + i, full_name=f"Ibu Nomor {i}"),
            lmp=days_ago(200 - i).isoformat(),
            **overrides,
        )
        response = client.post(URL, data, format="json")
        assert response.status_code == 201, response.content
        made.append(response.json())
    return made
