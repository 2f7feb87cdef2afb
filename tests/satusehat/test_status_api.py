"""GET /api/v1/satusehat/status/: per facility, rows by state, the oldest pending and
the latest problem in words; for the health office and admins only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fakes.fake_satusehat import refused
from tests.pregnancies.helpers import NOW
from tests.satusehat.helpers import register, send, visit

pytestmark = pytest.mark.django_db

STATUS = "/api/v1/satusehat/status/"


def by_name(answer) -> dict[str, dict]:
    return {entry["facility"]["name"]: entry for entry in answer["by_facility"]}


def test_it_counts_each_facilitys_rows_by_state_with_the_oldest_pending(
    api, ana, bayu, dewi, satusehat, with_ids, frozen_day
):
    first = register(api, ana, serial=61)
    visit(api, ana, first, weight_kg=60)
    send(satusehat)
    frozen_day.shift(timedelta(minutes=5))
    register(api, bayu, serial=62)

    answer = api(dewi).get(STATUS)

    assert answer.status_code == 200
    body = answer.json()
    assert (body["enabled"], body["environment"], body["paused"]) == (True, "custom", None)
    rows = by_name(body)
    sumbersari, patrang = rows["Puskesmas Sumbersari"], rows["Puskesmas Patrang"]
    assert (sumbersari["pending"], sumbersari["failed"], sumbersari["waiting"]) == (0, 0, 0)
    assert sumbersari["sent"] == 2 + 1 + 2 + 5  # patient, episode, encounter, its two, obstetric
    assert sumbersari["oldest_pending_at"] is None and sumbersari["last_error"] is None
    assert (patrang["pending"], patrang["waiting"]) == (1, 1)  # the lookup; the episode after it
    assert patrang["oldest_pending_at"].startswith((NOW + timedelta(minutes=5)).date().isoformat())
    assert patrang["waiting_reasons"] == {"parent": 1}
    assert patrang["missing_ids"] == []


def test_the_latest_problem_is_said_in_indonesian_by_default_and_in_english_when_asked(
    api, ana, adi, satusehat, with_ids
):
    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, weight_kg=60)
    satusehat.script("POST", "Encounter", refused("Location tidak ditemukan"))
    send(satusehat)

    english = by_name(api(adi).get(STATUS).json())["Puskesmas Sumbersari"]
    indonesian = by_name(api(adi, language=None).get(STATUS).json())["Puskesmas Sumbersari"]

    assert english["failed"] == 1
    assert english["last_error"].startswith("SATUSEHAT did not accept the Encounter")
    assert "Location tidak ditemukan" in english["last_error"]
    assert indonesian["last_error"] != english["last_error"]
    assert "Location tidak ditemukan" in indonesian["last_error"]
    assert english["last_error_at"] is not None


def test_a_facility_without_its_ids_says_which_are_missing_and_why_its_rows_wait(
    api, ana, adi, satusehat, sumbersari
):
    ana.satusehat_practitioner_id = "N1"
    ana.save()
    register(api, ana)
    send(satusehat)  # the lookup needs no facility id; the episode does

    entry = by_name(api(adi).get(STATUS).json())["Puskesmas Sumbersari"]

    assert entry["missing_ids"] == ["satusehat_organization_id", "satusehat_location_id"]
    assert entry["waiting_reasons"] == {"facility_ids": 1}
    assert "organization id" in entry["last_error"]


def test_a_pause_for_refused_credentials_is_in_the_answer(api, ana, dewi, satusehat, with_ids):
    register(api, ana)
    satusehat.reject_credentials()
    send(satusehat)

    paused = api(dewi).get(STATUS).json()["paused"]

    assert paused["reason"] == "credentials"
    assert paused["told_at"] is not None
    assert "SATUSEHAT_CLIENT_ID" in paused["message"]


def test_off_it_says_so_and_lists_nothing(api, dewi):
    body = api(dewi).get(STATUS).json()

    assert body == {"enabled": False, "environment": None, "paused": None, "by_facility": []}


@pytest.mark.parametrize("caller", ["ana", "citra"])
def test_midwives_and_doctors_may_not_read_it(api, caller, request):
    assert api(request.getfixturevalue(caller)).get(STATUS).status_code == 403


def test_an_unknown_parameter_is_refused_naming_it(api, dewi):
    answer = api(dewi).get(STATUS, {"facility": "x"})

    assert answer.status_code == 400
    assert "facility" in answer.json()


def test_a_row_corrected_after_its_send_is_pending_since_the_correction(
    api, ana, dewi, satusehat, with_ids, frozen_day
):
    pregnancy = register(api, ana)
    send(satusehat)
    frozen_day.shift(timedelta(days=3))

    fixed = {"lmp": (NOW.date() - timedelta(days=60)).isoformat()}
    assert (
        api(ana).patch(f"/api/v1/pregnancies/{pregnancy}/", fixed, format="json").status_code == 200
    )

    entry = by_name(api(dewi).get(STATUS).json())["Puskesmas Sumbersari"]
    assert entry["pending"] == 2
    assert entry["oldest_pending_at"].startswith((NOW + timedelta(days=3)).date().isoformat())
