"""No NIK, name, phone or address of a mother in the logs or in a push.

A realistic day runs through the API with every log record captured (DEBUG, every
logger): registrations (new, retried, refused, the same NIK at another facility),
visits, corrections, lists, searches by NIK and by name, an outcome, the alert scan,
and pushes through the real firebase-admin client to the local fake FCM. Then every
captured record and every push the fake received is searched for the cast's
identifying details.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from django.utils import timezone

from notifications.backends import get_backend
from notifications.dispatch import dispatch_due
from notifications.models import Device
from notifications.owed import record_owed_alerts
from tests.fakes.fake_fcm import FakeFCM, make_service_account
from tests.pregnancies.helpers import PATRANG, SUMBERSARI
from tests.security.cast import registration

URL = "/api/v1/pregnancies/"


@pytest.fixture
def fake_fcm(tmp_path, settings) -> Iterator[FakeFCM]:
    """The real firebase-admin client, pointed at the local fake FCM."""
    with FakeFCM() as server:
        settings.FIREBASE_CREDENTIALS = str(make_service_account(tmp_path, server.token_url))
        settings.FCM_ENDPOINT = server.url
        get_backend.cache_clear()
        try:
            yield server
        finally:
            get_backend().close()
            get_backend.cache_clear()


def identifying(body: dict) -> list[str]:
    """What must never be written down: NIK, name, phone (as typed and as digits), address."""
    mother = body["mother"]
    phone_digits = "".join(ch for ch in mother["phone"] if ch.isdigit())
    return [
        mother["nik"],
        mother["full_name"],
        mother["full_name"].split()[0],
        mother["phone"],
        phone_digits,
        phone_digits[2:],  # 0812... as a local number, without the +62
        mother["address"],
    ]


def leaks(text: str, secrets: list[str]) -> list[str]:
    lowered = text.lower()
    return [secret for secret in secrets if secret.lower() in lowered]


def captured_text(caplog) -> str:
    """Each record as the console would print it, with its arguments and exception."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    parts = []
    for record in caplog.records:
        parts.append(formatter.format(record))
        parts.append(repr(record.args))
    return "\n".join(parts)


def a_day_of_work(api, ana, bayu, citra, dewi) -> list[dict]:
    today = timezone.localdate()
    first = registration(SUMBERSARI, today=today)
    second = registration(PATRANG, today=today, serial=8)
    midwife, doctor = api(ana), api(citra)

    made = midwife.post(URL, first, format="json")
    assert made.status_code == 201, made.content
    pregnancy = made.json()["id"]
    retry = midwife.post(URL, {**first, "id": pregnancy}, format="json")
    assert retry.status_code == 200, retry.content
    # The same NIK at another facility: a 409 that names only the facility.
    elsewhere = api(bayu).post(URL, {**first, "lmp": first["lmp"]}, format="json")
    assert elsewhere.status_code == 409, elsewhere.content
    # Refused input that carries the details: a NIK whose birth date disagrees.
    wrong_dob = {**second, "mother": {**second["mother"], "date_of_birth": "1990-01-01"}}
    assert midwife.post(URL, wrong_dob, format="json").status_code == 400
    assert midwife.post(URL, second, format="json").status_code == 201

    visit = {"date": today.isoformat(), "systolic": 150, "diastolic": 95, "notes": "pusing"}
    assert doctor.post(f"{URL}{pregnancy}/visits/", visit, format="json").status_code == 201
    phone = {"mother": {"phone": "+62 812 9999 0000"}}
    assert midwife.patch(f"{URL}{pregnancy}/", phone, format="json").status_code == 200
    for query in ({}, {"search": first["mother"]["nik"]}, {"search": "Siti"}):
        assert doctor.get(URL, query).status_code == 200
    assert doctor.get(f"{URL}{pregnancy}/").status_code == 200
    assert api(dewi).get("/api/v1/mothers/", {"nik": first["mother"]["nik"]}).status_code == 200
    assert doctor.get(f"{URL}{pregnancy}/visits/").status_code == 200

    Device.objects.create(user=citra, token="fcm-token-of-citra-000001", platform="android")
    record_owed_alerts(today=today)  # the scan (a near-term registration may owe at once)
    report = dispatch_due()
    assert report.counts.get("sent", 0) >= 1, report
    inbox = doctor.get("/api/v1/alerts/").json()["results"]
    assert doctor.post(f"/api/v1/alerts/{inbox[0]['id']}/acknowledge/").status_code == 200

    outcome = {"kind": "live_birth", "date": today.isoformat(), "place": "Puskesmas"}
    assert midwife.post(f"{URL}{pregnancy}/outcome/", outcome, format="json").status_code == 201
    return [first, second]


@pytest.mark.django_db
def test_a_day_of_work_writes_no_nik_name_or_phone_to_the_logs_or_pushes(
    api, ana, bayu, citra, dewi, fake_fcm, caplog
):
    caplog.set_level(logging.DEBUG)

    bodies = a_day_of_work(api, ana, bayu, citra, dewi)

    secrets = [s for body in bodies for s in identifying(body)] + ["+62 812 9999 0000"]
    assert caplog.records, "the flow logged nothing: the scan would prove nothing"
    assert leaks(captured_text(caplog), secrets) == []
    assert fake_fcm.requests, "no push reached the fake FCM"
    for push in fake_fcm.requests:
        assert leaks(json.dumps(push, ensure_ascii=False), secrets) == []


def test_the_scan_finds_a_leaked_detail(caplog):
    """The scan can fail: a record naming a mother or her phone is caught."""
    caplog.set_level(logging.DEBUG)
    body = registration(SUMBERSARI, today=timezone.localdate())

    logging.getLogger("jsc.test").info("registered %s", body["mother"]["full_name"])
    logging.getLogger("jsc.test").info("call 0%s", body["mother"]["phone"][3:])

    assert leaks(captured_text(caplog), identifying(body)) == [
        body["mother"]["full_name"],
        body["mother"]["full_name"].split()[0],
        "".join(ch for ch in body["mother"]["phone"] if ch.isdigit())[2:],
    ]
