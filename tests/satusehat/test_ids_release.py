"""Rows waiting for a facility's or a midwife's SATUSEHAT ids go as soon as an admin
sets them, not at the next hourly look."""

from __future__ import annotations

import pytest

from satusehat.models import OutboxRow, RowState, WaitingFor
from tests.satusehat.helpers import register, send, states, visit

pytestmark = pytest.mark.django_db


def test_setting_a_facilitys_ids_releases_the_rows_waiting_for_them(
    api, ana, adi, sumbersari, satusehat
):
    ana.satusehat_practitioner_id = "N1"
    ana.save()
    pregnancy = register(api, ana)
    send(satusehat)
    episode = OutboxRow.objects.get(key=f"episode:{pregnancy}")
    assert (episode.state, episode.waiting_for) == (RowState.WAITING, WaitingFor.FACILITY_IDS)

    ids = {"satusehat_organization_id": "10000004", "satusehat_location_id": "loc-1"}
    assert (
        api(adi).patch(f"/api/v1/facilities/{sumbersari.id}/", ids, format="json").status_code
        == 200
    )
    send(satusehat)

    assert set(states(pregnancy).values()) == {RowState.SENT}


def test_setting_a_midwifes_practitioner_id_releases_her_encounters(
    api, ana, adi, satusehat, with_ids
):
    ana.satusehat_practitioner_id = ""
    ana.save()
    pregnancy = register(api, ana)
    made = visit(api, ana, pregnancy, weight_kg=52)
    send(satusehat)
    encounter = OutboxRow.objects.get(key=f"encounter:{made}")
    assert (encounter.state, encounter.waiting_for) == (
        RowState.WAITING,
        WaitingFor.PRACTITIONER_ID,
    )

    patch = {"satusehat_practitioner_id": "N20000001"}
    assert api(adi).patch(f"/api/v1/users/{ana.id}/", patch, format="json").status_code == 200
    send(satusehat)

    assert set(states(pregnancy).values()) == {RowState.SENT}
    (sent,) = satusehat.resources("Encounter")
    assert sent["participant"][0]["individual"]["reference"] == "Practitioner/N20000001"
