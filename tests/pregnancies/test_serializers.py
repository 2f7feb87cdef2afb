"""The pregnancy answer, put together directly, is DRF's generic answer; a registration's
201 (answered from what it wrote) is what a read of the pregnancy answers."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from rest_framework import serializers

from pregnancies.selectors import pregnancies_for_display
from pregnancies.serializers import PregnancySerializer
from tests.pregnancies.helpers import (
    TODAY,
    URL,
    days_ago,
    detail,
    mother,
    outcome,
    register,
)


def _kinds(client, citra) -> None:
    register(client)
    register(
        client,
        mother=mother(serial=31),
        doctor=str(citra.pk),
        height_cm="145.46",
        risk_factors=["anaemia", "breech"],
    )
    closed = register(client, mother=mother(serial=32), lmp=days_ago(270).isoformat())
    answer = client.post(
        outcome(closed["id"]), {"kind": "stillbirth", "date": TODAY.isoformat()}, format="json"
    )
    assert answer.status_code == 201, answer.content
    register(client, mother=mother(serial=33), lmp=None, edd=days_ago(-100).isoformat())


def test_the_answer_is_the_generic_serializers_for_every_kind_of_pregnancy(api, ana, citra):
    client = api(ana)
    _kinds(client, citra)
    call_command("load_districts", stdout=StringIO())
    register(client, mother=mother(serial=34, village="Kranjingan"))

    pregnancies = list(pregnancies_for_display(ana))
    assert len(pregnancies) == 5
    for pregnancy in pregnancies:
        serializer = PregnancySerializer(context={"today": TODAY})
        generic = serializers.ModelSerializer.to_representation(serializer, pregnancy)
        assert serializer.to_representation(pregnancy) == generic
    assert any(p.mother.village_place_id for p in pregnancies)


def _close(client, pregnancy_id) -> None:
    answer = client.post(
        outcome(pregnancy_id),
        {"kind": "live_birth", "date": days_ago(30).isoformat()},
        format="json",
    )
    assert answer.status_code == 201, answer.content


def test_a_registration_answers_what_a_read_of_it_answers(api, ana, bayu, citra):
    client = api(ana)
    _kinds(client, citra)
    # A mother first seen at another facility, closed there, then registered here (her
    # person known, a new record here); and a new pregnancy of a mother this facility
    # knows (after her outcome).
    elsewhere = register(api(bayu), mother=mother(serial=41), lmp=days_ago(270).isoformat())
    _close(api(bayu), elsewhere["id"])
    known = register(client, mother=mother(serial=41, phone="+6281299990000"))
    first = register(client, mother=mother(serial=40), lmp=days_ago(270).isoformat())
    _close(client, first["id"])
    again = register(client, mother=mother(serial=40), lmp=days_ago(25).isoformat())

    for answer in (known, again):
        assert client.get(detail(answer["id"])).json() == answer
    assert again["mother"]["id"] == first["mother"]["id"]
    for listed in client.get(URL, {"page_size": 50}).json()["results"]:
        assert client.get(detail(listed["id"])).json() == listed
