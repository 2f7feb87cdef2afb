"""POST /api/v1/deaths/: a midwife or doctor of any facility notifies a death; one death
is one case, whatever retries, outcomes or other facilities send."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from deaths.models import DeathCase, DeathDeadline
from notifications.models import Alert
from pregnancies.models import AuditEntry, Person
from tests.deaths.helpers import (
    NOW,
    TODAY,
    URL,
    at,
    case_url,
    delivered,
    notify,
    person,
    unregistered,
)
from tests.pregnancies.helpers import build_nik

pytestmark = pytest.mark.django_db


def test_a_midwife_notifies_the_death_of_a_woman_never_registered(api, places, bayu, dewi):
    case = notify(api(bayu), unregistered())

    assert case["kind"] == "maternal"
    assert case["status"] == "notified"
    assert case["case_number"] == "AMP-2026-0001"
    assert case["pregnancy"] is None
    assert case["person"]["full_name"] == "Sulastri Wahyuni"
    assert case["person"]["village_code"] == "35.09.21.1005"
    assert case["district"] == "Sumbersari"  # where she lived, not where it was notified
    assert case["days_after_end"] == 3
    assert case["notified_late"] is False
    assert case["notification_due"] == (NOW + timedelta(hours=19)).isoformat()
    assert case["verbal_autopsy_due"].startswith((TODAY + timedelta(days=14)).isoformat())
    assert case["screening_due"].startswith((TODAY + timedelta(days=7)).isoformat())
    assert case["review_due"] is None  # owed once the verbal autopsy is in
    [alert] = Alert.objects.filter(death_id=case["id"])
    assert (alert.milestone, alert.recipient, alert.urgent) == ("death_notified", dewi, True)
    assert AuditEntry.objects.filter(target="death", object_id=case["id"]).exists()


def test_a_notification_for_a_registered_pregnancy_reads_the_record(api, places, ana, dewi):
    pregnancy = delivered(api(ana), days_ago=10)

    case = notify(
        api(ana),
        {"kind": "maternal", "pregnancy": pregnancy, "died_at": at(hours_ago=2), "place": "home"},
    )

    assert case["pregnancy"] == pregnancy
    assert case["days_after_end"] == 10
    assert case["gestational_weeks"] is None
    assert case["person"]["full_name"] == "Siti Aminah"
    events = case["facility_summary"]["events"]
    assert [e["what"] for e in events][-1] == "outcome"


def test_the_same_id_again_answers_200_with_the_same_case(api, places, bayu):
    body = unregistered(id=str(uuid.uuid4()))

    first = api(bayu).post(URL, body, format="json")
    again = api(bayu).post(URL, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] == body["id"]
    assert DeathCase.objects.count() == 1
    assert Alert.objects.count() == 0 or Alert.objects.filter(death__isnull=False).count() <= 1


def test_the_same_id_with_other_content_answers_409(api, places, bayu):
    body = unregistered(id=str(uuid.uuid4()))
    notify(api(bayu), body)

    response = api(bayu).post(URL, {**body, "notes": "lain"}, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}


def test_the_same_woman_and_day_from_another_facility_answers_409_naming_only_the_facility(
    api, places, bayu, ana
):
    notify(api(bayu), unregistered())

    response = api(ana).post(
        URL, unregistered(died_at=at(hours_ago=1), person=person(full_name="S. Wahyuni")),
        format="json",
    )  # fmt: skip

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "facility"}
    assert response.json()["facility"] == "Puskesmas Patrang"
    assert DeathCase.objects.count() == 1


def test_an_outcome_with_mother_died_and_the_endpoint_make_one_case(api, places, ana, dewi):
    pregnancy = delivered(api(ana), days_ago=10)
    nik = Person.objects.get(pregnancies__id=pregnancy).nik
    # Another facility's midwife heard first, by NIK, with the hour.
    notified = notify(
        api(ana),
        {
            "kind": "maternal",
            "person": {"nik": nik, "full_name": "Siti Aminah", "village": "Tegalgede"},
            "died_at": at(hours_ago=3),
            "days_after_end": 10,
        },
    )

    response = api(ana).patch(
        f"/api/v1/pregnancies/{pregnancy}/outcome/",
        {"mother_died": True, "mother_death_date": TODAY.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    [case] = DeathCase.objects.all()
    assert str(case.pk) == notified["id"]
    assert str(case.pregnancy_id) == pregnancy
    assert Alert.objects.filter(death=case, milestone="death_notified").count() == 1


def test_the_outcome_first_then_the_endpoint_answers_409(api, places, ana):
    pregnancy = delivered(api(ana), days_ago=10)
    api(ana).patch(
        f"/api/v1/pregnancies/{pregnancy}/outcome/",
        {"mother_died": True, "mother_death_date": TODAY.isoformat()},
        format="json",
    )
    [case] = DeathCase.objects.all()
    assert (case.source, case.died_time_known, case.notified_late) == ("outcome", False, False)

    response = api(ana).post(
        URL,
        {"kind": "maternal", "pregnancy": pregnancy, "died_at": at(hours_ago=3)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["facility"] == "Puskesmas Sumbersari"
    assert DeathCase.objects.count() == 1


def test_a_stillbirth_from_22_weeks_notifies_a_perinatal_death(api, places, ana):
    delivered(api(ana), days_ago=2, kind="stillbirth")

    [case] = DeathCase.objects.all()
    assert (case.kind, case.source, case.gestational_weeks) == ("perinatal", "outcome", 39)
    assert DeathDeadline.objects.filter(case=case).count() == 1  # no screening for a baby


def test_a_perinatal_death_of_a_baby_born_alive(api, places, ana):
    pregnancy = delivered(api(ana), days_ago=2)

    case = notify(
        api(ana),
        {
            "kind": "perinatal",
            "pregnancy": pregnancy,
            "died_at": at(hours_ago=1),
            "baby": {"born_at": at(days_ago=2), "weight_g": 2100},
        },
    )

    assert case["baby"]["weight_g"] == 2100
    assert case["gestational_weeks"] == 39


def test_a_late_maternal_death_is_accepted_only_as_late_maternal(api, places, ana):
    pregnancy = delivered(api(ana), days_ago=60)
    body = {"kind": "maternal", "pregnancy": pregnancy, "died_at": at(hours_ago=1)}

    refused = api(ana).post(URL, body, format="json")
    accepted = api(ana).post(URL, {**body, "kind": "late_maternal"}, format="json")

    assert refused.status_code == 400
    assert "late_maternal" in refused.json()["kind"][0]
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["days_after_end"] == 60


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"died_at": (NOW + timedelta(hours=2)).isoformat()}, "died_at"),
        ({"days_after_end": 43}, "kind"),
        ({"kind": "late_maternal", "days_after_end": 10}, "kind"),
        ({"kind": "late_maternal", "days_after_end": 400}, "kind"),
        ({"days_after_end": None}, "gestational_weeks"),
        ({"gestational_weeks": 30}, "days_after_end"),
        ({"suspected_cause_group": "grup10-icdmm"}, "suspected_cause_group"),
        ({"kind": "unknown"}, "kind"),
        ({"place": "mall"}, "place"),
        ({"person": person(nik="3509211708950012")}, "person"),  # a man's NIK
        ({"person": person(date_of_birth="1991-05-04")}, "person"),  # NIK disagrees
        ({"person": person(village="Atlantis")}, "person"),
        ({"person": None}, "pregnancy"),
        ({"pregnancy": str(uuid.uuid4())}, "person"),  # both given
        ({"kind": "perinatal", "days_after_end": None}, "baby"),
        ({"place_facility": str(uuid.uuid4())}, "place_facility"),
        ({"died_at": "yesterday"}, "died_at"),
        ({"died_at": "0001-01-01T00:00:00+14:00"}, "died_at"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    api, places, bayu, change, field
):
    response = api(bayu).post(URL, unregistered(**change), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert DeathCase.objects.count() == 0
    assert Alert.objects.count() == 0


def test_a_perinatal_death_of_a_pregnancy_ended_in_miscarriage_answers_400(api, places, ana):
    response = api(ana).post(
        "/api/v1/pregnancies/",
        {
            "mother": {"nik": build_nik(TODAY.replace(year=1995), serial=8), "full_name": "X Y"},
            "lmp": (TODAY - timedelta(days=90)).isoformat(),
            "gravida": 1,
            "para": 0,
            "abortus": 0,
        },
        format="json",
    )
    pregnancy = response.json()["id"]
    api(ana).post(
        f"/api/v1/pregnancies/{pregnancy}/outcome/",
        {"kind": "miscarriage", "date": (TODAY - timedelta(days=1)).isoformat()},
        format="json",
    )

    answer = api(ana).post(
        URL,
        {
            "kind": "perinatal",
            "pregnancy": pregnancy,
            "died_at": at(hours_ago=20),
            "baby": {"born_at": at(hours_ago=20)},
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "kind" in answer.json()


def test_a_pregnancy_out_of_reach_is_refused_as_unknown(api, places, ana, bayu):
    pregnancy = delivered(api(ana), days_ago=5)

    response = api(bayu).post(
        URL, {"kind": "maternal", "pregnancy": pregnancy, "died_at": at(hours_ago=1)},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["pregnancy"] == ["No pregnancy in your reach has this id."]


def test_a_nik_known_elsewhere_links_the_pregnancy_for_the_office_and_shows_the_notifier_nothing(
    api, places, ana, bayu, dewi
):
    pregnancy = delivered(api(ana), days_ago=10)
    nik = Person.objects.get(pregnancies__id=pregnancy).nik

    case = notify(
        api(bayu),
        {
            "kind": "maternal",
            "person": {"nik": nik, "full_name": "Bu Siti"},
            "died_at": at(hours_ago=1),
            "days_after_end": 10,
        },
    )

    assert case["pregnancy"] is None
    assert case["facility_summary"]["events"] == []
    assert case["person"]["full_name"] == "Bu Siti"
    office = api(dewi).get(case_url(case["id"])).json()
    assert office["pregnancy"] == pregnancy
    assert office["facility_summary"]["events"]


@pytest.mark.parametrize("who", ["dewi", "adi"])
def test_only_midwives_and_doctors_notify(api, request, who):
    response = api(request.getfixturevalue(who)).post(URL, unregistered(), format="json")

    assert response.status_code == 403


def test_a_case_notified_a_day_late_says_so(api, places, bayu):
    case = notify(api(bayu), unregistered(died_at=at(days_ago=2)))

    assert case["notified_late"] is True


def test_the_notification_limit_is_a_setting(api, places, bayu, settings):
    settings.DEATH_NOTIFICATION_HOURS = 72

    case = notify(api(bayu), unregistered(died_at=at(days_ago=2)))

    assert case["notified_late"] is False
    assert case["notification_due"] == (NOW - timedelta(days=2) + timedelta(hours=72)).isoformat()
