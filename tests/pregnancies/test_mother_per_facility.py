"""A NIK is not a key to another facility's mother (docs/mothers.md).

The cast: midwife Ana at Puskesmas Sumbersari (facility A) recorded Siti; midwife Bayu
at Puskesmas Patrang (facility B) types Siti's NIK; Dewi of the health office sees both.
"""

from __future__ import annotations

import pytest
import time_machine

from pregnancies.models import AuditEntry, Mother, Person, Pregnancy
from pregnancies.services.referrals import referral_record
from tests.pregnancies.helpers import NOW, TODAY, URL, body, delivered, mother, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ANA_MOTHER = mother(
    full_name="Siti Aminah",
    phone="+6281111111111",
    village="Kranjingan",
    address="Jl. Kalimantan 12",
)
# What Bayu types: the same NIK, a name of his own choosing, nothing else.
BAYU_MOTHER = {"nik": ANA_MOTHER["nik"], "full_name": "Siti A."}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def anas_past_pregnancy(api, ana):
    created = register(api(ana), mother=ANA_MOTHER)
    delivered(api(ana), created)
    return created


def test_b_registering_a_s_mother_sees_only_what_b_sent(api, bayu, anas_past_pregnancy):
    response = api(bayu).post(URL, body(mother=BAYU_MOTHER, gravida=3, para=2), format="json")

    assert response.status_code == 201, response.content
    answered = response.json()["mother"]
    assert answered["full_name"] == "Siti A."
    assert answered["phone"] == answered["village"] == answered["address"] == ""
    assert answered["id"] != anas_past_pregnancy["mother"]["id"]
    text = response.content.decode()
    for recorded_by_a in ("Siti Aminah", "+6281111111111", "Kranjingan", "Kalimantan"):
        assert recorded_by_a not in text
    assert anas_past_pregnancy["id"] not in text


def test_a_s_record_is_unchanged_by_b(api, ana, bayu, anas_past_pregnancy):
    api(bayu).post(
        URL,
        body(mother={**BAYU_MOTHER, "phone": "+6289999999999"}, gravida=3, para=2),
        format="json",
    )

    seen_by_a = api(ana).get(f"{URL}{anas_past_pregnancy['id']}/").json()["mother"]
    assert seen_by_a == anas_past_pregnancy["mother"]


def test_b_does_not_find_a_s_mother_by_nik_or_name(api, bayu, anas_past_pregnancy):
    for search in (ANA_MOTHER["nik"], "Aminah"):
        listed = api(bayu).get(URL, {"search": search}).json()
        assert listed["results"] == []


def test_b_registering_a_mother_active_at_a_gets_409_naming_a_only(api, ana, bayu):
    active = register(api(ana), mother=ANA_MOTHER)

    response = api(bayu).post(URL, body(mother=BAYU_MOTHER), format="json")

    assert response.status_code == 409
    answer = response.json()
    assert set(answer) == {"detail", "facility"}
    assert answer["facility"] == "Puskesmas Sumbersari"
    assert active["id"] not in response.content.decode()
    assert "Siti Aminah" not in response.content.decode()
    assert Pregnancy.objects.count() == 1
    assert Mother.objects.count() == 1  # nothing of B's was kept either


def test_a_and_b_keep_their_own_records_when_both_register_her(api, ana, bayu):
    anas = register(api(ana), mother=ANA_MOTHER)
    delivered(api(ana), anas)
    bayus = register(api(bayu), mother=BAYU_MOTHER, gravida=3, para=2)

    assert Person.objects.count() == 1
    assert Mother.objects.count() == 2
    assert api(ana).get(f"{URL}{anas['id']}/").json()["mother"]["full_name"] == "Siti Aminah"
    assert api(bayu).get(f"{URL}{bayus['id']}/").json()["mother"]["full_name"] == "Siti A."
    assert api(bayu).get(f"{URL}{anas['id']}/").status_code == 404


def test_b_correcting_its_record_leaves_a_s_alone(api, ana, bayu, anas_past_pregnancy):
    bayus = register(api(bayu), mother=BAYU_MOTHER, gravida=3, para=2)

    response = api(bayu).patch(
        f"{URL}{bayus['id']}/",
        {"mother": {"full_name": "Siti Bayu", "phone": "+6287777777777"}},
        format="json",
    )

    assert response.status_code == 200
    seen_by_a = api(ana).get(f"{URL}{anas_past_pregnancy['id']}/").json()["mother"]
    assert seen_by_a["full_name"] == "Siti Aminah"
    assert seen_by_a["phone"] == "+6281111111111"


def test_every_cross_facility_match_is_audited(api, ana, bayu, sumbersari):
    active = register(api(ana), mother=ANA_MOTHER)
    api(bayu).post(URL, body(mother=BAYU_MOTHER), format="json")  # 409
    delivered(api(ana), active)
    bayus = register(api(bayu), mother=BAYU_MOTHER, gravida=3, para=2)

    matches = AuditEntry.objects.filter(action="match").order_by("at", "id")
    person = Person.objects.get()
    assert [(m.user_id, m.object_id, m.disclosed) for m in matches] == [
        (bayu.pk, person.pk, "facility_name"),
        (bayu.pk, person.pk, "nothing"),
    ]
    assert all(m.matched_facilities == [str(sumbersari.pk)] for m in matches)
    assert matches[1].pregnancy_id is not None and str(matches[1].pregnancy_id) == bayus["id"]
    assert ANA_MOTHER["nik"] not in str(list(AuditEntry.objects.values()))


def test_a_registration_within_one_facility_is_no_match(api, ana):
    anas = register(api(ana), mother=ANA_MOTHER)
    delivered(api(ana), anas)
    register(api(ana), mother=ANA_MOTHER, gravida=3, para=2)

    assert not AuditEntry.objects.filter(action="match").exists()


def test_a_nik_correction_to_a_mother_active_elsewhere_is_409_naming_only_the_facility(
    api, ana, bayu
):
    register(api(ana), mother=ANA_MOTHER)
    bayus = register(api(bayu), mother=mother(serial=77, full_name="Ibu Lain"))

    response = api(bayu).patch(
        f"{URL}{bayus['id']}/", {"mother": {"nik": ANA_MOTHER["nik"]}}, format="json"
    )

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "facility"}
    assert Pregnancy.objects.get(pk=bayus["id"]).person.nik != ANA_MOTHER["nik"]


# ---- a referral hands her over --------------------------------------------------------


def test_after_a_refers_her_to_b_b_sees_what_the_referral_hands_over(
    api, ana, bayu, citra, patrang
):
    active = register(api(ana), mother=ANA_MOTHER)
    referral_record(
        pregnancy=Pregnancy.objects.get(pk=active["id"]),
        by=citra,
        to_facility_id=patrang.pk,
        kind="rdb",
        today=TODAY,
    )

    seen_by_b = api(bayu).get(f"{URL}{active['id']}/")
    again = api(bayu).post(URL, body(mother=BAYU_MOTHER), format="json")

    assert seen_by_b.status_code == 200
    assert seen_by_b.json()["mother"] == active["mother"]  # A's record, handed over
    # Her active pregnancy is B's to open now: the 409 names it, and says so in the trail.
    assert again.status_code == 409
    assert again.json()["pregnancy"] == active["id"]
    match = AuditEntry.objects.get(action="match")
    assert (match.user_id, match.disclosed) == (bayu.pk, "referred_pregnancy")


def test_a_referral_hands_over_one_pregnancy_not_her_other_records(api, ana, bayu, citra, patrang):
    past = register(api(ana), mother=ANA_MOTHER)
    delivered(api(ana), past)
    active = register(api(ana), mother=ANA_MOTHER, gravida=3, para=2)
    referral_record(
        pregnancy=Pregnancy.objects.get(pk=active["id"]),
        by=citra,
        to_facility_id=patrang.pk,
        kind="rtw",
        today=TODAY,
    )

    assert api(bayu).get(f"{URL}{active['id']}/").status_code == 200
    assert api(bayu).get(f"{URL}{past['id']}/").status_code == 404
    listed = api(bayu).get(URL, {"search": ANA_MOTHER["nik"]}).json()["results"]
    assert [p["id"] for p in listed] == [active["id"]]


# ---- the health office sees one mother --------------------------------------------------


def test_the_health_office_sees_every_record_and_the_conflicts(
    api, ana, bayu, dewi, sumbersari, patrang
):
    anas = register(api(ana), mother=ANA_MOTHER)
    delivered(api(ana), anas)
    register(api(bayu), mother={**BAYU_MOTHER, "phone": "+6289999999999"}, gravida=3, para=2)
    register(api(ana), mother=mother(serial=55, full_name="Ibu Tunggal"))

    listed = api(dewi).get("/api/v1/mothers/", {"conflicts": "true"}).json()["results"]
    assert [(m["nik"], m["records"], m["conflicting_fields"]) for m in listed] == [
        (ANA_MOTHER["nik"], 2, 2)
    ]
    person = api(dewi).get(f"/api/v1/mothers/{listed[0]['id']}/").json()

    assert {r["facility"]["name"] for r in person["records"]} == {
        "Puskesmas Sumbersari",
        "Puskesmas Patrang",
    }
    assert all(r["recorded_by"] and r["created_at"] for r in person["records"])
    assert set(person["conflicts"]) == {"full_name", "phone"}
    assert {(c["value"], c["facility"]) for c in person["conflicts"]["full_name"]} == {
        ("Siti Aminah", str(sumbersari.pk)),
        ("Siti A.", str(patrang.pk)),
    }
    assert AuditEntry.objects.filter(action="read", target="person").count() == 1
    assert AuditEntry.objects.filter(action="list", target="person").count() == 1


@pytest.mark.parametrize("who", ["ana", "bayu", "adi"])
def test_no_one_but_the_health_office_sees_across_facilities(api, ana, bayu, adi, who):
    anas = register(api(ana), mother=ANA_MOTHER)
    person = Pregnancy.objects.get(pk=anas["id"]).person_id
    user = {"ana": ana, "bayu": bayu, "adi": adi}[who]

    assert api(user).get("/api/v1/mothers/").status_code == 403
    assert api(user).get(f"/api/v1/mothers/{person}/").status_code == 403
    assert api().get("/api/v1/mothers/").status_code == 401
