"""An urgent visit raises a danger_sign alert to the pregnancy's doctors: in the inbox
when the request returns, one per visit, late ones marked and left unpushed, escalated
after DANGER_SIGN_ESCALATION_HOURS (docs/alerts-urgent.md). The real worker path is in
test_urgent_worker.py."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from jsc.people.models import Role
from notifications.escalation import escalate
from notifications.models import Alert, AlertStatus
from notifications.payload import alert_message
from pregnancies.models import Visit
from tests.conftest import make_user
from tests.pregnancies.helpers import NOW, days_ago, detail, register, visits

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def pregnancy(api, ana):
    return register(api(ana), lmp=days_ago(150).isoformat())  # 21w3d, low risk


def urgent(**fields) -> dict:
    return {"date": days_ago(0).isoformat(), "danger_signs": ["severe_abdominal_pain"], **fields}


def post_visit(api, user, pregnancy, body):
    return api(user).post(visits(pregnancy["id"]), body, format="json")


def test_an_urgent_visit_is_in_the_doctors_inbox_when_the_request_returns(
    api, ana, citra, pregnancy
):
    response = post_visit(
        api, ana, pregnancy, urgent(systolic=150, diastolic=100, danger_signs=["blurred_vision"])
    )

    assert response.status_code == 201
    [entry] = api(citra).get(ALERTS).json()["results"]
    assert (entry["milestone"], entry["pregnancy"], entry["status"], entry["late"]) == (
        "danger_sign",
        pregnancy["id"],
        "pending",
        False,
    )
    assert entry["visit"] == {
        "id": response.json()["id"],
        "date": days_ago(0).isoformat(),
        "danger_signs": ["blurred_vision"],
        "systolic": 150,
        "diastolic": 100,
    }


@pytest.mark.parametrize(
    ("fields", "raised"),
    [
        ({"systolic": 120, "diastolic": 80, "hemoglobin": 12}, False),
        ({"systolic": 150, "diastolic": 100}, False),
        ({"systolic": 160, "diastolic": 100}, True),
        ({"systolic": 150, "diastolic": 110}, True),
        ({"danger_signs": ["reduced_fetal_movement"]}, True),
    ],
)
def test_only_an_urgent_visit_raises_an_alert(api, ana, citra, pregnancy, fields, raised):
    post_visit(api, ana, pregnancy, {"date": days_ago(0).isoformat(), **fields})

    assert Alert.objects.filter(milestone="danger_sign").exists() is raised


def test_a_retried_visit_raises_one_alert_and_another_urgent_visit_another(
    api, ana, citra, pregnancy
):
    body = urgent(id=str(uuid.uuid4()))
    for _ in range(3):
        assert post_visit(api, ana, pregnancy, body).status_code in (200, 201)
    post_visit(api, ana, pregnancy, urgent(danger_signs=["high_fever"]))

    alerts = Alert.objects.filter(milestone="danger_sign")
    assert alerts.count() == 2
    assert {a.visit_id for a in alerts} == set(Visit.objects.values_list("id", flat=True))


def test_every_active_doctor_of_the_facility_is_told_when_none_is_named(
    api, ana, citra, pregnancy, sumbersari
):
    eko = make_user("eko", Role.DOCTOR, sumbersari)
    make_user("gone", Role.DOCTOR, sumbersari, is_active=False)

    post_visit(api, ana, pregnancy, urgent())

    recipients = set(Alert.objects.values_list("recipient_id", flat=True))
    assert recipients == {citra.id, eko.id}


def test_the_named_doctor_alone_is_told(api, ana, citra, sumbersari):
    eko = make_user("eko", Role.DOCTOR, sumbersari)
    named = register(api(ana), lmp=days_ago(150).isoformat(), doctor=str(eko.id))

    post_visit(api, ana, named, urgent())

    assert list(Alert.objects.values_list("recipient_id", flat=True)) == [eko.id]


def test_a_visit_arriving_more_than_72_hours_after_its_date_is_late_and_not_pushed(
    api, ana, citra, pregnancy
):
    post_visit(api, ana, pregnancy, urgent(date=days_ago(4).isoformat()))
    post_visit(api, ana, pregnancy, urgent(date=days_ago(2).isoformat()))

    late, timely = Alert.objects.order_by("visit__date")
    assert (late.late, late.status) == (True, AlertStatus.UNDELIVERED)
    assert (timely.late, timely.status) == (False, AlertStatus.PENDING)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"danger_signs": ["headache_mild"]}, "danger_signs"),
        ({"systolic": 301}, "systolic"),
        ({"systolic": 49}, "systolic"),
        ({"diastolic": 201}, "diastolic"),
        ({"diastolic": 29}, "diastolic"),
        ({"systolic": 120, "diastolic": 120}, "diastolic"),
        ({"date": (NOW.date() + timedelta(days=1)).isoformat()}, "date"),
        ({"date": days_ago(151).isoformat()}, "date"),
    ],
)
def test_bad_input_answers_400_and_raises_nothing(api, ana, citra, pregnancy, fields, field):
    response = post_visit(api, ana, pregnancy, urgent(**fields))

    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()
    assert not Alert.objects.exists()


def test_a_visit_dated_before_a_recorded_outcome_raises_no_alert(api, ana, citra):
    made = register(api(ana), lmp=days_ago(270).isoformat())
    api(ana).post(
        f"{detail(made['id'])}outcome/",
        {"kind": "live_birth", "date": days_ago(1).isoformat()},
        format="json",
    )

    assert post_visit(api, ana, made, urgent(date=days_ago(2).isoformat())).status_code == 201
    assert not Alert.objects.filter(milestone="danger_sign").exists()


class TestEscalation:
    @pytest.fixture
    def raised(self, api, ana, citra, dewi, pregnancy):
        post_visit(api, ana, pregnancy, urgent())
        return Alert.objects.get()

    def test_an_unacknowledged_danger_sign_alert_goes_to_the_health_office_after_2_hours(
        self, raised, dewi
    ):
        assert escalate(now=timezone.now() + timedelta(hours=1, minutes=59)) == 0

        assert escalate(now=timezone.now() + timedelta(hours=2, seconds=1)) == 1

        copy = Alert.objects.get(recipient=dewi)
        assert (copy.milestone, copy.visit_id, copy.escalated_from_id) == (
            "danger_sign",
            raised.visit_id,
            raised.id,
        )

    def test_an_acknowledged_one_is_not_escalated(self, api, citra, raised):
        api(citra).post(f"{ALERTS}{raised.id}/acknowledge/", {"action": "called"}, format="json")

        assert escalate(now=timezone.now() + timedelta(hours=3)) == 0

    def test_the_delay_is_a_setting(self, raised, settings):
        settings.DANGER_SIGN_ESCALATION_HOURS = 6

        assert escalate(now=timezone.now() + timedelta(hours=3)) == 0
        assert escalate(now=timezone.now() + timedelta(hours=6, seconds=1)) == 1

    def test_a_low_risk_milestone_is_still_not_escalated(self, raised, ana, api, pregnancy):
        Alert.objects.create(
            pregnancy_id=pregnancy["id"],
            milestone="edd_minus_14",
            recipient=raised.recipient,
            edd=raised.edd,
            risk_band="low",
        )

        assert escalate(now=timezone.now() + timedelta(hours=25)) == 1  # the danger sign only


def test_the_push_says_a_visit_needs_attention_and_nothing_more():
    message = alert_message(
        token="t",
        alert_id=uuid.uuid4(),
        pregnancy_id=uuid.uuid4(),
        milestone="danger_sign",
        offset_days=0,
        risk_band="high",
        urgent=True,
    )

    assert message.title == "SEGERA: Kunjungan perlu perhatian"
    assert (
        message.body == "Hasil kunjungan seorang ibu hamil perlu perhatian Anda. Buka aplikasi JSC."
    )
    assert set(message.data) == {"alert_id", "pregnancy_id", "milestone", "risk_band"}


def test_an_edd_correction_keeps_the_danger_sign_alerts(api, ana, citra, pregnancy):
    post_visit(api, ana, pregnancy, urgent())
    post_visit(api, ana, pregnancy, urgent(date=days_ago(5).isoformat()))

    response = api(ana).patch(
        detail(pregnancy["id"]), {"lmp": days_ago(140).isoformat()}, format="json"
    )

    assert response.status_code == 200
    assert Alert.objects.filter(milestone="danger_sign").count() == 2


def test_no_alert_rule_may_take_the_danger_sign_name(api, adi):
    response = api(adi).post(
        "/api/v1/alert-rules/",
        {"milestone": "danger_sign", "offset_days": -21, "bands": ["high"]},
        format="json",
    )

    assert response.status_code == 400
    assert "milestone" in response.json()


def test_a_late_visits_alert_reaches_the_health_office_inbox_only(api, ana, citra, dewi, pregnancy):
    post_visit(api, ana, pregnancy, urgent(date=days_ago(4).isoformat()))

    assert escalate(now=timezone.now() + timedelta(hours=2, seconds=1)) == 1

    copy = Alert.objects.get(recipient=dewi)
    assert (copy.late, copy.status) == (True, AlertStatus.UNDELIVERED)
