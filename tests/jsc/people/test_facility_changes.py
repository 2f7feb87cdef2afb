"""PATCH /api/v1/facilities/{id}/: an admin changes a facility's name, kind, district
and active flag (its code stays); every change is in the admins' trail."""

from __future__ import annotations

import pytest

from jsc.people.models import AdminChange, District, Facility

pytestmark = pytest.mark.django_db


def url(facility: Facility) -> str:
    return f"/api/v1/facilities/{facility.id}/"


def test_an_admin_renames_a_facility_and_moves_it_to_another_district(api, adi, sumbersari):
    District.objects.create(name="Kaliwates")

    response = api(adi).patch(
        url(sumbersari), {"name": "RS Kaliwates", "kind": "hospital", "district": "Kaliwates"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["district"] == "Kaliwates"
    sumbersari.refresh_from_db()
    assert (sumbersari.name, sumbersari.kind, sumbersari.district.name) == (
        "RS Kaliwates",
        "hospital",
        "Kaliwates",
    )
    change = AdminChange.objects.get(object_id=sumbersari.id)
    assert (change.by, change.action, change.target) == (adi, "update", "facility")
    assert change.changes == {
        "name": ["Puskesmas Sumbersari", "RS Kaliwates"],
        "kind": ["puskesmas", "hospital"],
        "district": ["Sumbersari", "Kaliwates"],
    }


def test_an_admin_closes_a_facility(api, adi, sumbersari):
    response = api(adi).patch(url(sumbersari), {"active": False}, format="json")

    assert response.status_code == 200
    assert response.json()["active"] is False
    listed = api(adi).get("/api/v1/facilities/?active=false").json()["results"]
    assert [f["code"] for f in listed] == ["PKM-SBS"]


def test_the_code_does_not_change(api, adi, sumbersari):
    response = api(adi).patch(url(sumbersari), {"code": "NEW"}, format="json")

    assert response.status_code == 200
    sumbersari.refresh_from_db()
    assert sumbersari.code == "PKM-SBS"
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "spa"}, "kind"), ({"district": "Atlantis"}, "district"), ({"name": ""}, "name")],
)
def test_a_bad_change_names_the_field(api, adi, sumbersari, body, field):
    response = api(adi).patch(url(sumbersari), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not AdminChange.objects.exists()


def test_only_an_admin_changes_a_facility(api, ana, dewi, sumbersari):
    for caller in (ana, dewi):
        assert api(caller).patch(url(sumbersari), {"name": "x"}, format="json").status_code == 403


def test_a_new_facility_is_in_the_trail(api, adi, sumbersari):
    body = {"code": "PKM-X", "name": "Puskesmas X", "kind": "puskesmas", "district": "Sumbersari"}
    created = api(adi).post("/api/v1/facilities/", body, format="json")

    assert created.status_code == 201
    change = AdminChange.objects.get(object_id=created.json()["id"])
    assert change.action == "create"
    assert change.changes["code"] == [None, "PKM-X"]
