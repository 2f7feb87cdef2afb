"""What goes to SATUSEHAT and what the outbox writes down carries no mother's name,
phone or address, and her NIK only where the platform needs it: the Patient search.

A day's registrations, visits, a correction and an outcome go through the outbox to the
fake SATUSEHAT with every log record captured (DEBUG, every logger), through refusals,
a 500 and an unreachable platform; then the logs, the stored errors and every request
the fake received are searched for the cast's details.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.utils import timezone

from satusehat.backends import get_client
from satusehat.models import OutboxRow
from tests.fakes.fake_satusehat import FakeSatusehat, refused, server_error
from tests.pregnancies.helpers import PATRANG, SUMBERSARI
from tests.satusehat.helpers import quick_client, send
from tests.security.cast import registration
from tests.support import closed_port

URL = "/api/v1/pregnancies/"

pytestmark = pytest.mark.django_db


def identifying(body: dict) -> list[str]:
    mother = body["mother"]
    digits = "".join(ch for ch in mother["phone"] if ch.isdigit())
    return [mother["full_name"], mother["full_name"].split()[0], mother["phone"], digits,
            mother["address"]]  # fmt: skip


def captured_text(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(f"{formatter.format(r)}\n{r.args!r}" for r in caplog.records)


def test_satusehat_gets_no_name_phone_or_address_and_the_nik_only_in_the_patient_search(
    api, ana, bayu, sumbersari, patrang, settings, caplog
):
    for facility, org in ((sumbersari, "10000004"), (patrang, "10000005")):
        facility.satusehat_organization_id, facility.satusehat_location_id = org, f"loc-{org}"
        facility.save()
    for user in (ana, bayu):
        user.satusehat_practitioner_id = f"N{user.username}"
        user.save()
    caplog.set_level(logging.DEBUG)
    today = timezone.localdate()
    bodies = [registration(SUMBERSARI, today=today), registration(PATRANG, today=today, serial=8)]
    niks = [b["mother"]["nik"] for b in bodies]

    with FakeSatusehat() as fake:
        for name, value in fake.environment().items():
            setattr(settings, name, value)
        get_client.cache_clear()
        made = [
            api(who).post(URL, body, format="json").json()["id"]
            for who, body in zip((ana, bayu), bodies, strict=True)
        ]
        for who, pregnancy in zip((ana, bayu), made, strict=True):
            visit = {"date": today.isoformat(), "systolic": 150, "diastolic": 95, "notes": "pusing"}
            assert (
                api(who).post(f"{URL}{pregnancy}/visits/", visit, format="json").status_code == 201
            )
        # The platform echoes what it got in its refusal; then it falls over; then it is gone.
        fake.script("POST", "EpisodeOfCare", refused(f"Patient with NIK {niks[0]} unknown"))
        fake.script("GET", "Patient", server_error(500), server_error(500), server_error(500))
        send(fake)
        send(fake, quick_client(fake))
        gone = quick_client(fake)
        gone.fhir_url = f"http://127.0.0.1:{closed_port()}/fhir-r4/v1"
        OutboxRow.objects.update(next_attempt_at=timezone.now())
        send(fake, gone)
        patch = {"mother": {"phone": "+62 812 9999 0000", "address": "Jl. Baru 1"}}
        assert api(ana).patch(f"{URL}{made[0]}/", patch, format="json").status_code == 200
        OutboxRow.objects.update(next_attempt_at=timezone.now())
        send(fake)
        calls = fake.calls
        get_client.cache_clear()

    secrets = [s for body in bodies for s in identifying(body)] + ["+62 812 9999 0000", "Jl. Baru"]
    assert calls, "nothing reached the fake: the scan would prove nothing"
    for call in calls:
        text = json.dumps(call, ensure_ascii=False)
        assert [s for s in secrets if s.lower() in text.lower()] == []
        if call["resource_type"] != "Patient":
            assert [n for n in niks if n in text] == [], call["resource_type"]
    logs = captured_text(caplog)
    stored = " ".join(OutboxRow.objects.values_list("last_error", flat=True))
    assert "unknown" in stored, "the refusal was not stored: the scan would prove nothing"
    for text in (logs, stored):
        assert [s for s in secrets + niks if s.lower() in text.lower()] == []
