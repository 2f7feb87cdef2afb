"""POST and GET /api/v1/pregnancies/{id}/visits/: numbering, measurements, bad input."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from pregnancies.models import AuditEntry, Visit
from tests.pregnancies.helpers import TODAY, days_ago, mother, outcome, register, visits


@pytest.fixture
def pregnancy(api, ana):
    return register(api(ana), lmp=days_ago(150).isoformat())  # 21w3d today


def record(client, pregnancy, **fields):
    return client.post(visits(pregnancy["id"]), fields, format="json")


def test_it_records_a_visit_with_its_number_and_gestational_age(api, ana, pregnancy):
    response = record(
        api(ana),
        pregnancy,
        date=days_ago(3).isoformat(),
        systolic=120,
        diastolic=80,
        weight_kg=61.25,
        hemoglobin=11.2,
        muac_cm=24,
        fundal_height_cm=20,
        fetal_heart_rate=140,
        danger_signs=["severe_headache"],
        notes="Sehat.",
    )

    assert response.status_code == 201
    data = response.json()
    assert data == {
        "id": data["id"],
        "visit_number": 1,
        "label": "K1",
        "date": days_ago(3).isoformat(),
        "gestational_age": {"weeks": 21, "days": 0},
        "systolic": 120,
        "diastolic": 80,
        "weight_kg": 61.3,  # rounded to the 0.1 kg the scales show
        "hemoglobin": 11.2,
        "muac_cm": 24.0,
        "fundal_height_cm": 20.0,
        "fetal_heart_rate": 140,
        "danger_signs": ["severe_headache"],
        "notes": "Sehat.",
        "hypertension": False,
        "chronic_energy_deficiency": False,
        "by": str(ana.pk),
        "by_name": "Bidan Ana",
        "created_at": data["created_at"],
    }


def test_only_the_date_is_required(api, citra, pregnancy):
    data = record(api(citra), pregnancy, date=TODAY.isoformat()).json()

    assert (data["label"], data["by"], data["hypertension"]) == ("K1", str(citra.pk), None)
    assert data["chronic_energy_deficiency"] is None


def test_a_visit_entered_late_takes_its_place_and_the_labels_follow(api, ana, pregnancy):
    client = api(ana)
    first = record(client, pregnancy, date=days_ago(60).isoformat()).json()
    third = record(client, pregnancy, date=days_ago(10).isoformat()).json()
    assert third["label"] == "K2"

    late = record(client, pregnancy, date=days_ago(30).isoformat()).json()

    assert late["label"] == "K2"
    listed = client.get(visits(pregnancy["id"])).json()["results"]
    assert [(v["id"], v["label"]) for v in listed] == [
        (first["id"], "K1"),
        (late["id"], "K2"),
        (third["id"], "K3"),
    ]
    assert [v["visit_number"] for v in listed] == [1, 2, 3]


def test_two_visits_on_one_day_are_numbered_in_the_order_they_were_entered(api, ana, pregnancy):
    client = api(ana)
    morning = record(client, pregnancy, date=TODAY.isoformat()).json()
    afternoon = record(client, pregnancy, date=TODAY.isoformat()).json()

    listed = client.get(visits(pregnancy["id"])).json()["results"]

    assert [v["id"] for v in listed] == [morning["id"], afternoon["id"]]


def test_the_gestational_age_of_a_visit_follows_a_corrected_edd(api, ana, pregnancy):
    client = api(ana)
    record(client, pregnancy, date=days_ago(7).isoformat())

    client.patch(
        f"/api/v1/pregnancies/{pregnancy['id']}/", {"lmp": days_ago(157).isoformat()}, format="json"
    )

    assert client.get(visits(pregnancy["id"])).json()["results"][0]["gestational_age"] == {
        "weeks": 21,
        "days": 3,
    }


@pytest.mark.parametrize(
    ("fields", "hypertension", "kek"),
    [
        ({"systolic": 139, "diastolic": 89}, False, None),
        ({"systolic": 140, "diastolic": 80}, True, None),
        ({"systolic": 120, "diastolic": 90}, True, None),
        ({"systolic": 150}, True, None),
        ({"muac_cm": 23.4}, None, True),
        ({"muac_cm": 23.5}, None, False),
    ],
)
def test_it_flags_hypertension_and_chronic_energy_deficiency(
    api, ana, pregnancy, fields, hypertension, kek
):
    data = record(api(ana), pregnancy, date=TODAY.isoformat(), **fields).json()

    assert (data["hypertension"], data["chronic_energy_deficiency"]) == (hypertension, kek)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "date"),
        ({"date": days_ago(151).isoformat()}, "date"),  # the day before the LMP
        ({"date": "yesterday"}, "date"),
        ({}, "date"),
        ({"systolic": 49}, "systolic"),
        ({"systolic": 301}, "systolic"),
        ({"systolic": "high"}, "systolic"),
        ({"diastolic": 29}, "diastolic"),
        ({"systolic": 100, "diastolic": 100}, "diastolic"),
        ({"weight_kg": 19.9}, "weight_kg"),
        ({"weight_kg": 62000}, "weight_kg"),  # grams
        ({"hemoglobin": 2.9}, "hemoglobin"),
        ({"hemoglobin": 26}, "hemoglobin"),
        ({"muac_cm": 9}, "muac_cm"),
        ({"muac_cm": 61}, "muac_cm"),
        ({"fundal_height_cm": -1}, "fundal_height_cm"),
        ({"fundal_height_cm": 61}, "fundal_height_cm"),
        ({"fetal_heart_rate": 49}, "fetal_heart_rate"),
        ({"fetal_heart_rate": 251}, "fetal_heart_rate"),
        ({"danger_signs": ["headache"]}, "danger_signs"),
        ({"danger_signs": "vaginal_bleeding"}, "danger_signs"),
        ({"danger_signs": ["convulsions"] * 41}, "danger_signs"),
        ({"notes": "n" * 2001}, "notes"),
        ({"id": "visit-1"}, "id"),
    ],
)
def test_it_rejects_bad_visits_naming_the_field(api, ana, pregnancy, fields, field):
    data = {"date": TODAY.isoformat(), **fields}
    if fields == {}:
        data = {}

    response = api(ana).post(visits(pregnancy["id"]), data, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Visit.objects.exists()


def test_a_visit_cannot_be_after_the_outcome(api, ana, pregnancy):
    api(ana).post(
        outcome(pregnancy["id"]),
        {"kind": "stillbirth", "date": days_ago(5).isoformat()},
        format="json",
    )

    late = record(api(ana), pregnancy, date=days_ago(4).isoformat())
    on_the_day = record(api(ana), pregnancy, date=days_ago(5).isoformat())

    assert late.status_code == 400
    assert "outcome" in late.json()["date"][0]
    assert on_the_day.status_code == 201  # a visit entered after the outcome, dated before


def test_a_visit_before_an_ultrasound_pregnancy_start_is_refused(api, ana):
    scanned = register(api(ana), lmp=None, edd=(TODAY + timedelta(days=140)).isoformat())

    response = record(api(ana), scanned, date=days_ago(141).isoformat())

    assert response.status_code == 400
    assert "date" in response.json()


def test_a_retried_visit_with_the_same_id_is_recorded_once(api, ana, pregnancy):
    visit_id = str(uuid.uuid4())
    fields = {"id": visit_id, "date": TODAY.isoformat(), "systolic": 110, "diastolic": 70}

    first = api(ana).post(visits(pregnancy["id"]), fields, format="json")
    again = api(ana).post(visits(pregnancy["id"]), fields, format="json")
    other = api(ana).post(visits(pregnancy["id"]), {**fields, "systolic": 120}, format="json")

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json()
    assert Visit.objects.count() == 1


def test_a_visit_id_used_on_another_pregnancy_is_a_conflict(api, ana, pregnancy):
    other = register(api(ana), lmp=days_ago(100).isoformat(), mother=mother(serial=2))
    fields = {"id": str(uuid.uuid4()), "date": TODAY.isoformat()}
    api(ana).post(visits(pregnancy["id"]), fields, format="json")

    assert api(ana).post(visits(other["id"]), fields, format="json").status_code == 409


def test_it_audits_visit_reads_and_writes(api, ana, citra, pregnancy):
    visit = record(api(ana), pregnancy, date=TODAY.isoformat()).json()
    api(citra).get(visits(pregnancy["id"]))

    entries = AuditEntry.objects.filter(target="visit").order_by("id")
    assert [(e.action, e.user_id, str(e.object_id)) for e in entries] == [
        ("create", ana.pk, visit["id"]),
        ("read", citra.pk, "None"),
    ]


def test_the_visit_list_is_paginated_and_empty_at_first(api, ana, pregnancy):
    data = api(ana).get(visits(pregnancy["id"])).json()

    assert data["results"] == []
    assert data["next"] is None


def test_the_visit_list_runs_the_same_queries_for_2_or_8_visits(
    api, ana, pregnancy, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(ana)
    for weeks_ago in (10, 8):
        record(client, pregnancy, date=days_ago(weeks_ago * 7).isoformat())
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(visits(pregnancy["id"])).json()["results"]) == 2
    queries_for_2 = len(two.captured_queries)
    for weeks_ago in (7, 6, 5, 4, 3, 2):
        record(client, pregnancy, date=days_ago(weeks_ago * 7).isoformat())

    with django_assert_num_queries(queries_for_2):
        assert len(client.get(visits(pregnancy["id"])).json()["results"]) == 8
