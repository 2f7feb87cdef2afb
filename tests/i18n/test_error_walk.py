"""The translation walk: every kind of error the API gives, asked for in Bahasa
Indonesia (the default) and in English. Each message must read differently in the two
(a message identical in both was never translated), in the same shape and status.
Push texts are not here: they are Indonesian only, by design (tests/notifications/push)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings

from tests.conftest import PASSWORD
from tests.pregnancies.helpers import NOW, URL, body, days_ago, mother, register

pytestmark = pytest.mark.django_db

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NOBODY = "00000000-0000-0000-0000-000000000000"
# Keys whose values are data, not messages: a 409 names the existing pregnancy or facility,
# simplejwt adds a machine-readable "code".
DATA_KEYS = {"pregnancy", "facility", "code"}


@dataclass(frozen=True)
class Case:
    name: str
    who: str | None
    method: str
    path: str
    data: object = None
    raw: bytes | None = None


def P(**overrides) -> dict:
    return body(**overrides)


# A woman never registered, dead 10 days after giving birth at home (tests/deaths).
DEATHS = "/api/v1/deaths/"
DEATH = {
    "kind": "maternal",
    "person": {"nik": "3509214405900031", "full_name": "Sulastri Wahyuni"},
    "died_at": "2026-03-09T20:00:00+07:00",
    "days_after_end": 10,
}


CASES = [
    # Authentication and permissions
    Case("no credentials", None, "get", "/api/v1/me/"),
    Case("bad token", None, "post", "/api/v1/auth/token/", {"username": "ana", "password": "x"}),
    Case("token body missing", None, "post", "/api/v1/auth/token/", {}),
    Case("bad refresh token", None, "post", "/api/v1/auth/token/refresh/", {"refresh": "x"}),
    Case("midwife lists users", "ana", "get", "/api/v1/users/"),
    Case("admin reads the registry", "adi", "get", URL),
    Case("health office registers", "dewi", "post", URL, P()),
    Case("health office writes a visit", "dewi", "post", "{visits}", {"date": "2026-01-01"}),
    # Paths, methods, bodies
    Case("unknown path", "ana", "get", "/api/v1/nothing/"),
    Case("unknown pregnancy", "ana", "get", f"{URL}{NOBODY}/"),
    Case("method not allowed", "ana", "delete", URL),
    Case("unsupported media type", "ana", "post", URL, raw=b"a=1"),
    Case("malformed JSON", "ana", "post", URL, raw=b"{"),
    Case("JSON nested too deep", "ana", "post", URL, raw=b"[" * 100_000 + b"]" * 100_000),
    Case("NUL in JSON", "ana", "post", URL, raw=b'{"a": "\\u0000"}'),
    Case("body too large", "ana", "post", URL, raw=b'{"a": "' + b"x" * 300_000 + b'"}'),
    # Lists
    Case("unknown query parameter", "ana", "get", f"{URL}?risk=high"),
    Case("bad ordering", "ana", "get", f"{URL}?ordering=nik"),
    Case("bad status filter", "ana", "get", f"{URL}?status=nope"),
    Case("bad date filter", "ana", "get", f"{URL}?due_after=yesterday"),
    Case("bad timestamp filter", "ana", "get", f"{URL}?updated_since=soon"),
    Case("bad facility filter", "dewi", "get", f"{URL}?facility=x"),
    Case("search too long", "ana", "get", f"{URL}?search=" + "x" * 151),
    Case("bad page", "ana", "get", f"{URL}?page=99"),
    # Registration
    Case("empty registration", "ana", "post", URL, {}),
    Case("no lmp nor edd", "ana", "post", URL, P(lmp=None, edd=None)),
    Case("lmp in the future", "ana", "post", URL, P(lmp="2999-01-01")),
    Case("lmp too long ago", "ana", "post", URL, P(lmp="2000-01-01")),
    Case("ultrasound edd too far", "ana", "post", URL, P(lmp=None, edd="2999-01-01")),
    Case("ultrasound edd long past", "ana", "post", URL, P(lmp=None, edd="2000-01-01")),
    Case("not a date", "ana", "post", URL, P(lmp="soon")),
    Case("gravida not a number", "ana", "post", URL, P(gravida="two")),
    Case("height not a number", "ana", "post", URL, P(height_cm="tall")),
    Case("height out of range", "ana", "post", URL, P(height_cm=1500)),
    Case("para and abortus too many", "ana", "post", URL, P(gravida=1, para=1, abortus=1)),
    Case("unknown risk factor", "ana", "post", URL, P(risk_factors=["unlucky"])),
    Case("contradicted derived factor", "ana", "post", URL, P(risk_factors=["age_35_plus"])),
    Case("doctor of another facility", "ana", "post", URL, P(doctor="{dodi}")),
    Case("nik letters", "ana", "post", URL, P(mother=mother(nik="35092157089A0012"))),
    Case("nik short", "ana", "post", URL, P(mother=mother(nik="3509"))),
    Case("nik province", "ana", "post", URL, P(mother=mother(nik="9909215708950012"))),
    Case("nik birth date", "ana", "post", URL, P(mother=mother(nik="3509219913950012"))),
    Case("nik of a man", "ana", "post", URL, P(mother=mother(nik="3509211708950012"))),
    Case(
        "nik and date of birth disagree",
        "ana",
        "post",
        URL,
        P(mother=mother(date_of_birth="1990-01-01")),
    ),  # fmt: skip
    Case(
        "date of birth in the future",
        "ana",
        "post",
        URL,
        P(mother=mother(date_of_birth="2999-01-01")),
    ),  # fmt: skip
    Case("bad phone", "ana", "post", URL, P(mother=mother(phone="call me"))),
    Case("name missing", "ana", "post", URL, P(mother=mother(full_name=""))),
    Case(
        "mother too young",
        "ana",
        "post",
        URL,
        P(mother=mother(nik="3509215708200012", date_of_birth="2020-08-17")),
    ),  # fmt: skip
    Case("active pregnancy here", "ana", "post", URL, P()),
    Case("id reused", "ana", "post", URL, "{reused}"),
    # Corrections
    Case("patch nothing valid", "ana", "patch", "{pregnancy}", {"gravida": -1}),
    Case("patch lmp future", "ana", "patch", "{pregnancy}", {"lmp": "2999-01-01"}),
    Case("patch clears both dates", "ana", "patch", "{pregnancy}", {"lmp": None}),
    # Visits
    Case("visit without date", "ana", "post", "{visits}", {}),
    Case("visit in the future", "ana", "post", "{visits}", {"date": "2999-01-01"}),
    Case("visit before the pregnancy", "ana", "post", "{visits}", {"date": "2000-01-01"}),
    Case(
        "unknown danger sign", "ana", "post", "{visits}", {"date": "{today}", "danger_signs": ["x"]}
    ),  # fmt: skip
    Case(
        "diastolic over systolic",
        "ana",
        "post",
        "{visits}",
        {"date": "{today}", "systolic": 90, "diastolic": 120},
    ),  # fmt: skip
    Case(
        "blood pressure out of range",
        "ana",
        "post",
        "{visits}",
        {"date": "{today}", "systolic": 1200},
    ),  # fmt: skip
    # Outcomes
    Case("outcome without kind", "ana", "post", "{outcome}", {"date": "{today}"}),
    Case("outcome unknown kind", "ana", "post", "{outcome}", {"kind": "x", "date": "{today}"}),
    Case(
        "outcome in the future",
        "ana",
        "post",
        "{outcome}",
        {"kind": "miscarriage", "date": "2999-01-01"},
    ),  # fmt: skip
    Case(
        "death date without death",
        "ana",
        "post",
        "{outcome}",
        {"kind": "miscarriage", "date": "{today}", "mother_death_date": "{today}"},
    ),  # fmt: skip
    Case("patch an outcome not there", "ana", "patch", "{outcome}", {"place": "x"}),
    # Alerts and devices
    Case("unknown alert", "citra", "post", f"/api/v1/alerts/{NOBODY}/acknowledge/"),
    Case("device without token", "citra", "post", "/api/v1/devices/", {"platform": "android"}),
    Case(
        "device bad token",
        "citra",
        "post",
        "/api/v1/devices/",
        {"token": "a b", "platform": "android"},
    ),  # fmt: skip
    Case(
        "device bad platform",
        "citra",
        "post",
        "/api/v1/devices/",
        {"token": "abc", "platform": "nokia"},
    ),  # fmt: skip
    Case("alert rule renamed", "adi", "patch", "/api/v1/alert-rules/{rule}/", {"milestone": "x"}),
    Case(
        "alert rule bad band",
        "adi",
        "post",
        "/api/v1/alert-rules/",
        {"milestone": "m", "offset_days": -3, "bands": ["purple"]},
    ),  # fmt: skip
    # Administration
    Case("user body empty", "adi", "post", "/api/v1/users/", {}),
    Case(
        "user bad role",
        "adi",
        "post",
        "/api/v1/users/",
        {"username": "eka", "password": "another-long-password", "full_name": "E", "role": "king"},
    ),  # fmt: skip
    Case(
        "user taken",
        "adi",
        "post",
        "/api/v1/users/",
        {"username": "ana", "password": "another-long-password", "full_name": "E", "role": "admin"},
    ),  # fmt: skip
    Case(
        "user bad username",
        "adi",
        "post",
        "/api/v1/users/",
        {
            "username": "a b!",
            "password": "another-long-password",
            "full_name": "E",
            "role": "admin",
        },
    ),  # fmt: skip
    Case(
        "user weak password",
        "adi",
        "post",
        "/api/v1/users/",
        {"username": "eka", "password": "password", "full_name": "E", "role": "admin"},
    ),  # fmt: skip
    Case(
        "midwife without facility",
        "adi",
        "post",
        "/api/v1/users/",
        {
            "username": "eka",
            "password": "another-long-password",
            "full_name": "E",
            "role": "midwife",
        },
    ),  # fmt: skip
    Case(
        "officer with a facility",
        "adi",
        "patch",
        "/api/v1/users/{dewi_id}/",
        {"facility": "{sumbersari}"},
    ),  # fmt: skip
    Case("last admin", "adi", "patch", "/api/v1/users/{adi_id}/", {"active": False}),
    Case("closed facility", "adi", "patch", "/api/v1/users/{ana_id}/", {"facility": "{closed}"}),
    Case(
        "password reset weak",
        "adi",
        "post",
        "/api/v1/users/{ana_id}/password/",
        {"password": "123"},
    ),  # fmt: skip
    Case("facility empty", "adi", "post", "/api/v1/facilities/", {}),
    Case(
        "facility code taken",
        "adi",
        "post",
        "/api/v1/facilities/",
        {"code": "PKM-SBS", "name": "x", "kind": "clinic", "district": "Sumbersari"},
    ),  # fmt: skip
    Case(
        "facility unknown district",
        "adi",
        "patch",
        "/api/v1/facilities/{sumbersari}/",
        {"district": "Atlantis"},
    ),  # fmt: skip
    Case(
        "facility bad kind", "adi", "patch", "/api/v1/facilities/{sumbersari}/", {"kind": "spa"}
    ),  # fmt: skip
    Case("audit bad filter", "adi", "get", "/api/v1/audit/?since=soon"),
    # Places, the health office's views
    Case("unknown district", "ana", "get", "/api/v1/villages/?district=Atlantis"),
    Case("midwife reads mothers across facilities", "ana", "get", "/api/v1/mothers/"),
    Case("dashboard bad year", "dewi", "get", "/api/v1/dashboard/summary/?year=abc"),
    Case("dashboard bad month", "dewi", "get", "/api/v1/dashboard/pws-kia/?year=2026&month=13"),
    Case("dashboard for a midwife", "ana", "get", "/api/v1/dashboard/summary/?year=2026"),
    # Deaths (AMP-SR)
    Case("death in the future", "bayu", "post", DEATHS, DEATH | {"died_at": "2999-01-01T00:00Z"}),
    Case("death too late for maternal", "bayu", "post", DEATHS, DEATH | {"days_after_end": 50}),
    Case("death unknown cause", "bayu", "post", DEATHS, DEATH | {"suspected_cause_group": "x"}),
    Case("death notified twice", "ana", "post", DEATHS, DEATH),
    Case("death notified by the office", "dewi", "post", DEATHS, DEATH),
    Case("review before the verbal autopsy", "dewi", "post", "{death}review/", {
        "review_date": "{today}", "cause_group": "grup3-icdmm", "avoidable": "yes"}),
    Case("review by a midwife", "bayu", "post", "{death}review/", {}),
    Case("another facility's case", "ana", "get", "{death}"),
    Case("zero report ahead", "ana", "post", f"{DEATHS}zero-report/", {"month": "2999-01"}),
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_day():
    """The registry's test day (tests/pregnancies/helpers.py), so its helpers' dates hold."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(api, ana, bayu, citra, dodi, dewi, adi, sumbersari, patrang):
    from jsc.people.models import District, Facility
    from notifications.models import AlertRule

    pregnancy = register(api(ana))
    closed = Facility.objects.create(
        code="PKM-OLD", name="Old", kind="clinic", district=District.objects.get(name="Patrang"),
        active=False,
    )  # fmt: skip
    reused = P(id=pregnancy["id"], mother=mother(serial=77))
    death = api(bayu).post(DEATHS, DEATH, format="json").json()
    return {
        "users": {"ana": ana, "bayu": bayu, "citra": citra, "dodi": dodi, "dewi": dewi, "adi": adi},
        "fill": {
            "{pregnancy}": f"{URL}{pregnancy['id']}/",
            "{visits}": f"{URL}{pregnancy['id']}/visits/",
            "{outcome}": f"{URL}{pregnancy['id']}/outcome/",
            "{dodi}": str(dodi.id),
            "{dewi_id}": str(dewi.id),
            "{adi_id}": str(adi.id),
            "{ana_id}": str(ana.id),
            "{sumbersari}": str(sumbersari.id),
            "{closed}": str(closed.id),
            "{rule}": str(AlertRule.objects.get(milestone="edd").pk),
            "{today}": days_ago(0).isoformat(),
            "{death}": f"/api/v1/deaths/{death['id']}/",
        },
        "reused": reused,
    }


def fill(value, world):
    if value == "{reused}":
        return world["reused"]
    if isinstance(value, str):
        for key, replacement in world["fill"].items():
            value = value.replace(key, replacement)
        return value
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


def send(api, world, case: Case, language: str | None):
    user = world["users"][case.who] if case.who else None
    client = api(user, language=language)
    path = fill(case.path, world)
    call = getattr(client, case.method)
    if case.raw is not None:
        ctype = "application/x-www-form-urlencoded" if case.raw == b"a=1" else "application/json"
        return call(path, case.raw, content_type=ctype)
    if case.data is None:
        return call(path)
    return call(path, json.dumps(fill(case.data, world)), content_type="application/json")


def leaves(data, where=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*where, index))
    elif isinstance(data, str):
        yield where, data


def untranslated(indonesian: dict, english: dict) -> list[str]:
    found = dict(leaves(english))
    problems = []
    for where, text in leaves(indonesian):
        if where and where[0] in DATA_KEYS and len(where) == 1:
            continue
        if UUID.match(text):
            continue
        if found.get(where) == text:
            problems.append(f"{'/'.join(map(str, where))}: {text!r}")
    return problems


def test_the_walk_reaches_the_languages_the_service_offers():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_error_reads_in_indonesian_by_default_and_in_english_on_request(api, world, case):
    indonesian = send(api, world, case, language=None)
    english = send(api, world, case, language="en")

    assert 400 <= indonesian.status_code < 500, (indonesian.status_code, indonesian.content[:300])
    assert english.status_code == indonesian.status_code
    assert indonesian["Content-Language"] == "id"
    assert english["Content-Language"] == "en"
    id_body, en_body = indonesian.json(), english.json()
    assert [w for w, _ in leaves(id_body)] == [w for w, _ in leaves(en_body)]
    assert list(leaves(id_body)), "an error with no message"
    assert untranslated(id_body, en_body) == []


def test_a_throttled_login_reads_whole_in_either_language(api, ana):
    wrong = {"username": "ana", "password": "wrong"}
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        api().post("/api/v1/auth/token/", wrong, format="json")

    indonesian = api(language=None).post("/api/v1/auth/token/", wrong, format="json")
    english = api().post("/api/v1/auth/token/", wrong, format="json")

    assert indonesian.status_code == english.status_code == 429
    wait = settings.LOGIN_FAILURE_WINDOW_SECONDS
    assert (
        english.json()["detail"] == f"Request was throttled. Expected available in {wait} seconds."
    )
    assert (
        indonesian.json()["detail"]
        == f"Permintaan ini telah dibatasi. Coba lagi dalam {wait} detik."
    )
    assert (
        api()
        .post("/api/v1/auth/token/", {**wrong, "password": PASSWORD}, format="json")
        .status_code
        == 429
    )
