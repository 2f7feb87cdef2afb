"""GET /api/v1/pregnancies/{id}/satusehat/: one pregnancy's resources and their state,
for whoever may read the pregnancy (404 for anyone else), audited like every read."""

from __future__ import annotations

import pytest

from pregnancies.models import AuditEntry
from tests.pregnancies.helpers import mother
from tests.satusehat.helpers import register, send, visit

pytestmark = pytest.mark.django_db


def path(pregnancy_id) -> str:
    return f"/api/v1/pregnancies/{pregnancy_id}/satusehat/"


def test_it_lists_the_pregnancys_resources_in_the_order_they_are_sent(
    api, ana, satusehat, with_ids
):
    satusehat.unknown_niks.add(mother()["nik"])
    pregnancy = register(api, ana)
    made = visit(api, ana, pregnancy, weight_kg=60)
    send(satusehat)

    answer = api(ana).get(path(pregnancy))

    assert answer.status_code == 200
    rows = answer.json()
    assert [r["resource_type"] for r in rows[:3]] == ["Patient", "EpisodeOfCare", "Encounter"]
    patient, episode, encounter = rows[:3]
    assert set(patient) >= {
        "resource_type",
        "local",
        "state",
        "satusehat_id",
        "last_error",
        "sent_at",
    }
    assert (patient["state"], patient["waiting_for"]) == ("waiting", "patient_unknown")
    assert "patient index" in patient["last_error"]
    assert (episode["local"], encounter["local"]) == (pregnancy, made)
    assert encounter["state"] == "waiting" and encounter["waiting_for"] == "parent"
    assert {r["local"] for r in rows if r["item"] == "weight"} == {f"{made}-weight"}
    assert AuditEntry.objects.filter(pregnancy_id=pregnancy, action="read", user=ana).exists()


def test_sent_rows_show_their_satusehat_id_and_when(api, ana, dewi, satusehat, with_ids):
    pregnancy = register(api, ana)
    send(satusehat)

    rows = api(dewi).get(path(pregnancy)).json()

    assert {r["state"] for r in rows} == {"sent"}
    assert all(r["satusehat_id"] and r["sent_at"] for r in rows)
    assert rows[1]["satusehat_id"] == satusehat.resources("EpisodeOfCare")[0]["id"]


def test_another_facilitys_midwife_and_admins_get_404(api, ana, bayu, adi, satusehat):
    pregnancy = register(api, ana)

    assert api(bayu).get(path(pregnancy)).status_code == 404
    assert api(adi).get(path(pregnancy)).status_code == 404
    assert api(ana).get(path("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_a_pregnancy_with_nothing_owed_answers_an_empty_list(api, ana, settings):
    settings.SATUSEHAT_ENV = ""
    pregnancy = register(api, ana)

    assert api(ana).get(path(pregnancy)).json() == []
