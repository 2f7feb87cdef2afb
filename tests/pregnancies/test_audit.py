"""The audit trail: every read and write of a pregnancy, readable by admins only."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from django.contrib import admin

from jsc.people.models import User
from pregnancies.models import AuditEntry, Mother, Pregnancy
from tests.pregnancies.helpers import (
    NOW,
    TODAY,
    URL,
    body,
    days_ago,
    detail,
    mother,
    outcome,
    register,
    visits,
)

AUDIT = "/api/v1/audit/"


def test_every_read_and_write_of_a_pregnancy_is_audited(api, ana, citra, dewi):
    created = register(api(ana), lmp=days_ago(270).isoformat())
    pid = created["id"]
    api(citra).get(detail(pid))
    api(dewi).get(URL)
    api(ana).patch(detail(pid), {"height_cm": 151}, format="json")
    visit = api(ana).post(visits(pid), {"date": TODAY.isoformat()}, format="json").json()
    api(citra).get(visits(pid))
    api(ana).post(outcome(pid), {"kind": "live_birth", "date": TODAY.isoformat()}, format="json")
    api(ana).patch(outcome(pid), {"place": "Rumah"}, format="json")
    api(dewi).get(outcome(pid))

    trail = [
        (e.user_id, e.action, e.target, str(e.pregnancy_id), e.object_id and str(e.object_id))
        for e in AuditEntry.objects.order_by("id")
    ]
    assert trail == [
        (ana.pk, "create", "pregnancy", pid, None),
        (citra.pk, "read", "pregnancy", pid, None),
        (dewi.pk, "list", "pregnancy", pid, None),
        (ana.pk, "update", "pregnancy", pid, None),
        (ana.pk, "create", "visit", pid, visit["id"]),
        (citra.pk, "read", "visit", pid, None),
        (ana.pk, "create", "outcome", pid, None),
        (ana.pk, "update", "outcome", pid, None),
        (dewi.pk, "read", "outcome", pid, None),
    ]


def test_a_refused_write_leaves_no_trail(api, ana, dewi):
    created = register(api(ana))
    AuditEntry.objects.all().delete()

    api(ana).patch(detail(created["id"]), {"gravida": 0}, format="json")
    api(dewi).patch(detail(created["id"]), {"gravida": 3}, format="json")

    assert not AuditEntry.objects.exists()


def test_admins_read_the_trail_newest_first_and_filter_it(api, ana, citra, adi):
    first = register(api(ana))
    second = register(api(ana), mother=mother(serial=2))
    api(citra).get(detail(first["id"]))

    everything = api(adi).get(AUDIT).json()
    assert [e["action"] for e in everything["results"]] == ["read", "create", "create"]
    newest = everything["results"][0]
    assert set(newest) == {
        "id",
        "at",
        "user",
        "username",
        "action",
        "target",
        "pregnancy",
        "object_id",
        "matched_facilities",
        "disclosed",
    }
    assert (newest["matched_facilities"], newest["disclosed"]) == ([], None)
    assert (newest["user"], newest["username"], newest["pregnancy"]) == (
        str(citra.pk),
        "citra",
        first["id"],
    )

    by_pregnancy = api(adi).get(AUDIT, {"pregnancy": second["id"]}).json()["results"]
    assert [(e["action"], e["user"]) for e in by_pregnancy] == [("create", str(ana.pk))]
    by_user = api(adi).get(AUDIT, {"user": str(citra.pk)}).json()["results"]
    assert [e["action"] for e in by_user] == ["read"]
    assert api(adi).get(AUDIT, {"action": "create", "target": "pregnancy"}).json()["count"] == 2
    assert api(adi).get(AUDIT, {"pregnancy": "nope"}).status_code == 400


def test_admins_filter_the_trail_by_an_instant_with_any_offset(api, ana, adi):
    register(api(ana))
    far_west = timezone(-timedelta(hours=23, minutes=59))
    before = (NOW - timedelta(minutes=1)).astimezone(far_west).isoformat()
    after = (NOW + timedelta(hours=1)).astimezone(far_west).isoformat()

    assert api(adi).get(AUDIT, {"since": before}).json()["count"] == 1
    assert api(adi).get(AUDIT, {"since": after}).json()["count"] == 0
    assert api(adi).get(AUDIT, {"since": "2026-01-01T00:00:00-23:59"}).json()["count"] == 1
    assert api(adi).get(AUDIT, {"since": "0001-01-01T00:00:00+05:00"}).status_code == 400


def test_admins_read_whose_records_a_nik_matched_and_what_was_disclosed(
    api, ana, bayu, adi, sumbersari
):
    """docs/mothers.md, "Audit of matches": a person entry has no pregnancy."""
    register(api(ana), mother=mother(serial=5))
    api(bayu).post(URL, body(mother=mother(serial=5, full_name="Siti B.")), format="json")  # 409

    listed = api(adi).get(AUDIT, {"action": "match"}).json()["results"]

    assert len(listed) == 1
    entry = listed[0]
    person = Mother.objects.get().person
    assert (entry["user"], entry["target"], entry["pregnancy"], entry["object_id"]) == (
        str(bayu.pk),
        "person",
        None,
        str(person.pk),
    )
    assert (entry["matched_facilities"], entry["disclosed"]) == (
        [str(sumbersari.pk)],
        "facility_name",
    )


@pytest.mark.parametrize("who", ["ana", "citra", "dewi"])
def test_only_admins_read_the_trail(api, ana, citra, dewi, who):
    assert api({"ana": ana, "citra": citra, "dewi": dewi}[who]).get(AUDIT).status_code == 403


def test_a_superuser_acts_as_admin_for_the_trail(api, db):
    root = User.objects.create_superuser("root", password="a-long-test-password", full_name="Root")

    assert api(root).get(AUDIT).status_code == 200


def test_the_trail_is_read_only(api, adi):
    assert api(adi).post(AUDIT, {}, format="json").status_code == 405


def test_the_trail_holds_ids_only(api, ana):
    register(api(ana))

    stored = AuditEntry.objects.values().get()

    assert set(stored) == {
        "id",
        "at",
        "user_id",
        "action",
        "target",
        "pregnancy_id",
        "object_id",
        "matched_facilities",
        "disclosed",
    }
    mother = Mother.objects.get()
    assert mother.person.nik not in str(stored) and mother.full_name not in str(stored)


def test_the_django_admin_shows_the_trail_read_only_and_no_clinical_records(client, ana, api):
    register(api(ana))
    root = User.objects.create_superuser("root", password="a-long-test-password", full_name="Root")
    client.force_login(root)

    assert client.get("/admin/pregnancies/auditentry/").status_code == 200
    assert client.get("/admin/pregnancies/auditentry/add/").status_code == 403
    assert Pregnancy not in admin.site._registry
    assert Mother not in admin.site._registry
