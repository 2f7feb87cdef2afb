"""GET /api/v1/satusehat/patients-not-found/: the mothers SATUSEHAT's patient index does
not know yet, so the facility sees which ones and can check the NIK with them."""

from __future__ import annotations

import pytest

from pregnancies.models import AuditEntry
from tests.pregnancies.helpers import mother
from tests.satusehat.helpers import register, send

pytestmark = pytest.mark.django_db

LIST = "/api/v1/satusehat/patients-not-found/"


@pytest.fixture
def unknown_at_both(api, ana, bayu, satusehat, with_ids) -> dict[str, str]:
    satusehat.unknown_niks.update({mother(serial=71)["nik"], mother(serial=72)["nik"]})
    made = {
        "sumbersari": register(api, ana, serial=71),
        "patrang": register(api, bayu, serial=72),
        "known": register(api, ana, serial=73),
    }
    send(satusehat)
    return made


def test_a_midwife_sees_her_facilitys_mothers_with_their_names(api, ana, unknown_at_both):
    answer = api(ana).get(LIST)

    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert row["pregnancy"] == unknown_at_both["sumbersari"]
    assert row["mother"] == {"full_name": "Siti Aminah", "village": "Kranjingan"}
    assert row["next_lookup_at"] > row["looked_up_at"]
    assert AuditEntry.objects.filter(
        action="list", pregnancy_id=unknown_at_both["sumbersari"], user=ana
    ).exists()


def test_the_health_office_sees_the_whole_regency(api, dewi, unknown_at_both):
    rows = api(dewi).get(LIST).json()["results"]

    assert {r["pregnancy"] for r in rows} == {
        unknown_at_both["sumbersari"],
        unknown_at_both["patrang"],
    }


def test_admins_see_no_mother_and_are_told_why(api, adi, unknown_at_both):
    answer = api(adi).get(LIST)

    assert answer.status_code == 403
    assert "Admins see no mother's record" in answer.json()["detail"]
