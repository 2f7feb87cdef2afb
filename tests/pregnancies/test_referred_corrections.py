"""A referral opens one pregnancy, not the registering facility's records (docs/mothers.md,
"What a receiving facility may correct").

The cast: Puskesmas Sumbersari (A: midwife Ana, Dr. Citra) keeps Siti's record, with an
earlier pregnancy and the one Dr. Citra referred to Puskesmas Patrang (B: midwife Bayu,
Dr. Dodi); Ana also cares for Rina, never referred. Bayu and Dodi correct what B may.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from pregnancies.models import AuditEntry, Mother, Person, Pregnancy
from pregnancies.services.referrals import referral_record
from tests.pregnancies.helpers import (
    NOW,
    TODAY,
    URL,
    body,
    days_ago,
    delivered,
    detail,
    mother,
    register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SITI = mother(serial=21, full_name="Siti Aminah", phone="+6281111111111")
RINA = mother(serial=22, full_name="Rina Wati", phone="+6282222222222")
UNKNOWN_NIK = mother(serial=23)["nik"]
SITI_DOB_OTHER = date(1994, 2, 3)  # same place and birth date: nobody recorded it
# The probe: an LMP no rule accepts keeps anything from being written.
IMPOSSIBLE_LMP = "1990-01-01"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def a(api, ana, citra, patrang):
    """A's records: Siti's earlier and referred pregnancies, Rina's never referred."""
    earlier = register(api(ana), mother=SITI)
    delivered(api(ana), earlier)
    referred = register(api(ana), mother=SITI, gravida=3, para=2)
    referral_record(
        pregnancy=Pregnancy.objects.get(pk=referred["id"]),
        by=citra,
        to_facility_id=patrang.pk,
        kind="rdb",
        today=TODAY,
    )
    rina = register(api(ana), mother=RINA)
    AuditEntry.objects.all().delete()
    return {"earlier": earlier, "referred": referred, "rina": rina}


def probe(client, pregnancy_id, nik):
    return client.patch(
        detail(pregnancy_id), {"lmp": IMPOSSIBLE_LMP, "mother": {"nik": nik}}, format="json"
    )


@pytest.mark.parametrize("rinas_pregnancy", ["active", "closed"])
@pytest.mark.parametrize("language", [None, "en"])
def test_a_nik_only_a_recorded_answers_b_byte_for_byte_as_an_unknown_nik(
    api, ana, dodi, a, rinas_pregnancy, language
):
    if rinas_pregnancy == "closed":
        delivered(api(ana), a["rina"])
    client = api(dodi, language=language)

    known = probe(client, a["referred"]["id"], RINA["nik"])
    unknown = probe(client, a["referred"]["id"], UNKNOWN_NIK)

    assert known.status_code == unknown.status_code == 400
    assert known.content == unknown.content
    assert dict(known.headers) == dict(unknown.headers)
    assert "nik" in known.json()["mother"]


def test_every_nik_b_types_that_a_recorded_is_audited_as_a_match(api, dodi, a, sumbersari):
    probe(api(dodi), a["referred"]["id"], RINA["nik"])
    probe(api(dodi), a["referred"]["id"], UNKNOWN_NIK)
    api(dodi).patch(detail(a["referred"]["id"]), {"mother": SITI}, format="json")  # an echo

    match = AuditEntry.objects.get(action="match")
    rina = Person.objects.get(nik=RINA["nik"])
    assert (match.user_id, match.target, match.object_id) == (dodi.pk, "person", rina.pk)
    assert (match.matched_facilities, match.disclosed) == ([str(sumbersari.pk)], "nothing")


def test_b_cannot_move_a_s_record_to_another_nik_or_birth_date(api, ana, bayu, a):
    before = api(ana).get(detail(a["earlier"]["id"])).json()
    fresh = mother(serial=31, dob=SITI_DOB_OTHER)

    for change in ({"nik": fresh["nik"]}, {"date_of_birth": fresh["date_of_birth"]}, fresh):
        response = api(bayu).patch(detail(a["referred"]["id"]), {"mother": change}, format="json")
        assert response.status_code == 400, response.content
        named = set(response.json()["mother"])
        assert named == set(change) & {"nik", "date_of_birth"}

    assert api(ana).get(detail(a["earlier"]["id"])).json() == before
    assert set(Pregnancy.objects.values_list("person__nik", flat=True)) == {
        SITI["nik"],
        RINA["nik"],
    }
    assert not Person.objects.filter(nik=fresh["nik"]).exists()


# What B may correct on the referred pregnancy, and what it may not (docs/mothers.md).
MAY_CORRECT = [
    ({"lmp": days_ago(77).isoformat()}, 200),
    ({"edd": (TODAY + timedelta(days=190)).isoformat()}, 200),
    ({"gravida": 4, "para": 2, "abortus": 1}, 200),
    ({"height_cm": 152}, 200),
    ({"risk_factors": ["previous_caesarean"]}, 200),
    ({"mother": {"full_name": "Siti Aminah Putri"}}, 200),
    ({"mother": {"phone": "+6283333333333"}}, 200),
    ({"mother": {"village": "Kranjingan"}}, 200),
    ({"mother": {"address": "Jl. Jawa 3"}}, 200),
    ({"mother": {"nik": SITI["nik"], "date_of_birth": SITI["date_of_birth"]}}, 200),
    ({"mother": {"nik": RINA["nik"]}}, 400),
    ({"mother": {"date_of_birth": "1995-08-18"}}, 400),
]


@pytest.mark.parametrize(("change", "expected"), MAY_CORRECT, ids=lambda v: str(v)[:40])
def test_what_a_receiving_facility_may_correct(api, bayu, a, change, expected):
    response = api(bayu).patch(detail(a["referred"]["id"]), change, format="json")

    assert response.status_code == expected, response.content


def test_b_s_contact_correction_corrects_the_record_the_referral_shares(api, ana, bayu, a):
    earlier_before = Pregnancy.objects.get(pk=a["earlier"]["id"])

    response = api(bayu).patch(
        detail(a["referred"]["id"]),
        {"mother": {"phone": "+6283333333333", "address": "Jl. Jawa 3"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    seen_by_a = api(ana).get(detail(a["referred"]["id"])).json()["mother"]
    assert (seen_by_a["phone"], seen_by_a["address"]) == ("+6283333333333", "Jl. Jawa 3")
    assert Mother.objects.count() == 2  # A's two records; B made none
    # The earlier pregnancy itself (not handed over) is as it was.
    earlier = Pregnancy.objects.get(pk=a["earlier"]["id"])
    assert (earlier.person_id, earlier.updated_at) == (
        earlier_before.person_id,
        earlier_before.updated_at,
    )


def test_b_s_date_correction_reveals_nothing_of_a_s_earlier_pregnancy(api, ana, bayu, a):
    """A's earlier pregnancy ended 80 days ago; an LMP 100 days ago would overlap it. A,
    whose record it is, is held to the rule and told the date; B never saw that
    pregnancy, so its date neither stops B nor shows in B's answer."""
    change = {"lmp": days_ago(100).isoformat()}
    ended = days_ago(80).isoformat()

    by_a = api(ana).patch(detail(a["referred"]["id"]), change, format="json")
    by_b = api(bayu).patch(detail(a["referred"]["id"]), change, format="json")

    assert by_a.status_code == 400
    assert ended in by_a.content.decode()
    assert by_b.status_code == 200, by_b.content
    assert ended not in by_b.content.decode()


def test_a_s_own_nik_correction_to_a_nik_known_elsewhere_is_audited_and_discloses_nothing(
    api, ana, bayu, patrang
):
    bayus = register(api(bayu), mother=mother(serial=41, full_name="Ibu Bayu"))
    delivered(api(bayu), bayus)
    anas = register(api(ana), mother=mother(serial=42, full_name="Ibu Ana"))
    AuditEntry.objects.all().delete()

    response = api(ana).patch(
        detail(anas["id"]), {"mother": {"nik": mother(serial=41)["nik"]}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["mother"]["full_name"] == "Ibu Ana"
    assert "Ibu Bayu" not in response.content.decode()
    match = AuditEntry.objects.get(action="match")
    assert (match.user_id, match.matched_facilities, match.disclosed) == (
        ana.pk,
        [str(patrang.pk)],
        "nothing",
    )


def test_a_nik_correction_answered_409_is_audited(api, ana, bayu, sumbersari):
    register(api(ana), mother=SITI)
    bayus = register(api(bayu), mother=mother(serial=77, full_name="Ibu Lain"))
    AuditEntry.objects.all().delete()

    response = api(bayu).patch(detail(bayus["id"]), {"mother": {"nik": SITI["nik"]}}, format="json")

    assert response.status_code == 409
    match = AuditEntry.objects.get(action="match")
    assert (match.user_id, match.matched_facilities, match.disclosed) == (
        bayu.pk,
        [str(sumbersari.pk)],
        "facility_name",
    )
    assert not AuditEntry.objects.exclude(action="match").exists()  # nothing was written


def test_registering_her_again_at_the_facility_of_her_active_pregnancy_is_a_match_too(
    api, ana, bayu, patrang
):
    """Another facility also holds a record of her: the 409 names only the caller's own
    pregnancy, and the trail still says her NIK matched that facility's record."""
    bayus = register(api(bayu), mother={**SITI, "full_name": "Siti B."})
    delivered(api(bayu), bayus)
    anas = register(api(ana), mother=SITI, gravida=3, para=2)
    AuditEntry.objects.all().delete()

    response = api(ana).post(URL, body(mother=SITI, gravida=3, para=2), format="json")

    assert response.status_code == 409
    assert response.json()["pregnancy"] == anas["id"]
    match = AuditEntry.objects.get(action="match")
    assert (match.user_id, match.matched_facilities, match.disclosed) == (
        ana.pk,
        [str(patrang.pk)],
        "nothing",
    )


def test_a_registration_refused_after_her_records_were_read_is_still_a_match(
    api, ana, bayu, sumbersari
):
    """B's own earlier pregnancy of her ended 80 days ago; an LMP before that is a 400,
    and A's record of her was matched on the way."""
    delivered(api(ana), register(api(ana), mother=SITI))
    bayus = register(api(bayu), mother={**SITI, "full_name": "Siti B."}, gravida=3, para=2)
    delivered(api(bayu), bayus)
    AuditEntry.objects.all().delete()

    response = api(bayu).post(
        URL,
        body(mother={**SITI, "full_name": "Siti B."}, lmp=days_ago(100).isoformat(), gravida=3),
        format="json",
    )

    assert response.status_code == 400, response.content
    match = AuditEntry.objects.get(action="match")
    assert (match.user_id, match.matched_facilities, match.disclosed) == (
        bayu.pk,
        [str(sumbersari.pk)],
        "nothing",
    )
