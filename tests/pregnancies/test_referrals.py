"""Acknowledging an alert as `referred` records a referral; the receiving facility's
midwives and doctors then care for the pregnancy too, and a third facility still gets
404 (docs/pregnancies.md, "Referrals")."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jsc.people.models import District, Facility, Role
from notifications.models import Alert
from notifications.owed import alerts_owed
from notifications.services import scan
from pregnancies.models import AuditEntry, Referral
from tests.conftest import make_user
from tests.pregnancies.helpers import NOW, days_ago, detail, register, visits

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def acknowledge(client, alert_id, body=None):
    return client.post(f"{ALERTS}{alert_id}/acknowledge/", body or {}, format="json")


@pytest.fixture
def kalisat(db) -> Facility:
    district, _ = District.objects.get_or_create(name="Kalisat")
    return Facility.objects.create(
        code="PKM-KLS", name="Puskesmas Kalisat", kind="puskesmas", district=district
    )


@pytest.fixture
def gita(kalisat):
    """A midwife of a third facility, which no referral names."""
    return make_user("gita", Role.MIDWIFE, kalisat)


@pytest.fixture
def pregnancy(api, ana):
    # 30w0d: the next milestone of a low-risk mother is EDD - 28 days, 42 days from now.
    return register(api(ana), lmp=days_ago(210).isoformat())


@pytest.fixture
def alert(api, ana, citra, pregnancy):
    response = api(ana).post(
        visits(pregnancy["id"]),
        {"date": days_ago(0).isoformat(), "danger_signs": ["vaginal_bleeding"]},
        format="json",
    )
    assert response.status_code == 201
    return Alert.objects.get(recipient=citra, milestone="danger_sign")


def refer(api, citra, alert, patrang, kind="rtw", note="Dirujuk ke Patrang"):
    response = acknowledge(
        api(citra),
        alert.id,
        {
            "action": "referred",
            "note": note,
            "referral": {"to_facility": str(patrang.id), "kind": kind},
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_acknowledging_as_referred_records_the_referral(api, citra, alert, patrang, pregnancy):
    answer = refer(api, citra, alert, patrang)

    assert (answer["action"], answer["note"]) == ("referred", "Dirujuk ke Patrang")
    assert answer["acknowledged_at"] is not None
    [referral] = api(citra).get(f"{detail(pregnancy['id'])}referrals/").json()["results"]
    assert referral == {
        "id": referral["id"],
        "at": referral["at"],
        "by": str(citra.id),
        "from_facility": str(citra.facility_id),
        "to_facility": str(patrang.id),
        "kind": "rtw",
        "alert": str(alert.id),
    }


def test_the_receiving_facility_reads_and_writes_the_pregnancy(
    api, citra, bayu, dodi, alert, patrang, pregnancy
):
    assert api(dodi).get(detail(pregnancy["id"])).status_code == 404  # before

    refer(api, citra, alert, patrang)

    assert api(dodi).get(detail(pregnancy["id"])).status_code == 200
    seen = api(bayu).post(
        visits(pregnancy["id"]), {"date": days_ago(0).isoformat(), "hemoglobin": 12}, format="json"
    )
    assert seen.status_code == 201
    patched = api(bayu).patch(detail(pregnancy["id"]), {"height_cm": 151}, format="json")
    assert patched.status_code == 200
    assert [p["id"] for p in api(bayu).get("/api/v1/pregnancies/").json()["results"]] == [
        pregnancy["id"]
    ]


def test_the_sending_facility_still_sees_it_and_a_third_gets_404(
    api, ana, citra, gita, alert, patrang, pregnancy
):
    refer(api, citra, alert, patrang)

    assert api(ana).get(detail(pregnancy["id"])).status_code == 200
    for path in ("", "visits/", "referrals/", "risk-history/"):
        assert api(gita).get(f"{detail(pregnancy['id'])}{path}").status_code == 404
    assert api(gita).get("/api/v1/pregnancies/").json()["results"] == []


def test_the_receiving_doctor_gets_the_next_milestone(api, citra, dodi, alert, patrang, pregnancy):
    refer(api, citra, alert, patrang, kind="rdb")

    with time_machine.travel(NOW + timedelta(days=42), tick=False):
        scan(today=timezone.localdate(), now=timezone.now())

    owed = Alert.objects.filter(milestone="edd_minus_28")
    assert set(owed.values_list("recipient_id", flat=True)) == {citra.id, dodi.id}


def test_two_referrals_to_one_facility_owe_its_doctor_one_alert(
    api, citra, dodi, alert, patrang, pregnancy
):
    refer(api, citra, alert, patrang)
    first = Referral.objects.get()
    Referral.objects.create(
        pregnancy=first.pregnancy,
        by=citra,
        from_facility=first.from_facility,
        to_facility=patrang,
        kind="rdb",
    )

    with time_machine.travel(NOW + timedelta(days=42), tick=False):
        owed = alerts_owed(today=timezone.localdate())

    assert sorted((a.recipient_id, a.milestone) for a in owed) == sorted(
        [(citra.id, "edd_minus_28"), (dodi.id, "edd_minus_28")]
    )


def test_the_receiving_doctor_gets_the_danger_signs_of_later_visits(
    api, ana, citra, dodi, alert, patrang, pregnancy
):
    refer(api, citra, alert, patrang)

    api(ana).post(
        visits(pregnancy["id"]),
        {"date": days_ago(0).isoformat(), "danger_signs": ["high_fever"]},
        format="json",
    )

    assert Alert.objects.filter(recipient=dodi, milestone="danger_sign").count() == 1


def test_acknowledging_again_changes_nothing(api, citra, alert, patrang):
    first = refer(api, citra, alert, patrang)

    again = acknowledge(api(citra), alert.id, {"action": "no_action", "note": "x"})

    assert again.status_code == 200
    assert again.json() == first
    assert Referral.objects.count() == 1


def referred(to: str, kind: str = "rdb") -> dict:
    return {"action": "referred", "referral": {"to_facility": to, "kind": kind}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "phoned"}, "action"),
        ({"action": "referred"}, "referral"),
        ({"action": "referred", "referral": None}, "referral"),
        ({"action": "called", "referral": {"to_facility": "PATRANG", "kind": "rdb"}}, "referral"),
        (referred("UNKNOWN"), "referral"),
        (referred("SUMBERSARI"), "referral"),
        (referred("PATRANG", kind="later"), "referral"),
        (referred("not-a-uuid"), "referral"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_changes_nothing(
    api, citra, alert, patrang, sumbersari, body, field
):
    ids = {"PATRANG": str(patrang.id), "SUMBERSARI": str(sumbersari.id)}
    ids["UNKNOWN"] = "6f1c2b4e-0c5d-4a8e-9b1f-3d2e1a0c9b8a"
    if isinstance(body.get("referral"), dict):
        target = body["referral"]["to_facility"]
        body["referral"]["to_facility"] = ids.get(target, target)

    response = acknowledge(api(citra), alert.id, body)

    assert response.status_code == 400
    assert field in response.json()
    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.action) == (None, "")
    assert not Referral.objects.exists()


def test_an_unknown_facility_and_the_pregnancys_own_get_a_message_revealing_nothing(
    api, citra, alert, sumbersari
):
    unknown = acknowledge(
        api(citra),
        alert.id,
        {
            "action": "referred",
            "referral": {"to_facility": "6f1c2b4e-0c5d-4a8e-9b1f-3d2e1a0c9b8a", "kind": "rdb"},
        },
    )

    assert unknown.json() == {
        "referral": {"to_facility": ["No facility you can refer to has this id."]}
    }


def test_an_inactive_facility_takes_no_referral(api, citra, alert, patrang):
    patrang.active = False
    patrang.save(update_fields=["active"])

    response = acknowledge(
        api(citra),
        alert.id,
        {"action": "referred", "referral": {"to_facility": str(patrang.id), "kind": "rtw"}},
    )

    assert response.json() == {
        "referral": {"to_facility": ["No facility you can refer to has this id."]}
    }
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not Referral.objects.exists()


class TestInbox:
    def test_each_entry_names_the_mother_and_what_a_doctor_needs_to_act(
        self, api, citra, alert, pregnancy
    ):
        [entry] = api(citra).get(ALERTS).json()["results"]

        assert entry["mother"] == {
            "full_name": "Siti Aminah",
            "village": "Kranjingan",
            "phone": "+6281234567890",
        }
        assert entry["facility"] == {"id": str(citra.facility_id), "name": "Puskesmas Sumbersari"}
        assert (entry["kspr_score"], entry["risk_factors"]) == (10, ["antepartum_bleeding"])
        assert entry["visit"]["danger_signs"] == ["vaginal_bleeding"]
        assert (entry["action"], entry["note"], entry["late"]) == (None, "", False)

    def test_reading_the_inbox_is_audited_like_any_read_of_the_record(
        self, api, citra, alert, pregnancy
    ):
        api(citra).get(ALERTS)

        entry = AuditEntry.objects.get(user=citra)
        assert (entry.action, str(entry.pregnancy_id)) == ("list", pregnancy["id"])

    def test_acknowledging_with_an_action_and_a_note_keeps_them(self, api, citra, alert):
        answer = acknowledge(api(citra), alert.id, {"action": "called", "note": "Bidan ditelepon"})

        assert answer.status_code == 200
        assert (answer.json()["action"], answer.json()["note"]) == ("called", "Bidan ditelepon")
        alert.refresh_from_db()
        assert alert.acknowledged_by_id == citra.id

    def test_acknowledging_without_a_body_still_works(self, api, citra, alert):
        answer = acknowledge(api(citra), alert.id)

        assert answer.status_code == 200
        assert answer.json()["action"] is None


def test_a_doctor_who_moved_facility_no_longer_reads_the_old_inbox_entries(
    api, citra, alert, patrang
):
    citra.facility = patrang
    citra.save()

    assert api(citra).get(ALERTS).json()["results"] == []
    assert acknowledge(api(citra), alert.id, {"action": "called"}).status_code == 404


def test_acknowledging_is_audited_as_a_read_of_the_pregnancy(api, citra, alert, pregnancy):
    acknowledge(api(citra), alert.id, {"action": "visited"})

    entry = AuditEntry.objects.get(user=citra)
    assert (entry.action, str(entry.pregnancy_id)) == ("read", pregnancy["id"])


def test_the_inbox_costs_the_same_queries_whatever_its_length(api, ana, citra, pregnancy):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api(citra).get(ALERTS).status_code == 200
        return len(context.captured_queries)

    api(ana).post(
        visits(pregnancy["id"]),
        {"date": days_ago(0).isoformat(), "danger_signs": ["high_fever"]},
        format="json",
    )
    one = queries()
    for n in range(5):
        api(ana).post(
            visits(pregnancy["id"]),
            {"date": days_ago(n + 1).isoformat(), "danger_signs": ["high_fever"]},
            format="json",
        )

    assert queries() == one
