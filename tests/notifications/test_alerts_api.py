"""GET /api/v1/alerts/ and POST /api/v1/alerts/{id}/acknowledge/: a doctor's inbox."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Alert, AlertStatus
from tests.notifications.helpers import CONTRACT_FIELDS, make_pregnancy

ALERTS = "/api/v1/alerts/"
JAKARTA = ZoneInfo("Asia/Jakarta")
EDD = date(2026, 12, 15)

# Ones the contract's "more fields are welcome" allows; death and death_step are null on a
# pregnancy's alert (docs/deaths.md, "Who is told").
EXTRA_FIELDS = {"urgent", "death", "death_step"}

pytestmark = pytest.mark.django_db


def acknowledge_url(alert_id) -> str:
    return f"{ALERTS}{alert_id}/acknowledge/"


@pytest.fixture
def pregnancy(sumbersari, ana, citra):
    return make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high", doctor=citra)


def make_alert(pregnancy, recipient, milestone="edd_minus_14", **fields) -> Alert:
    fields.setdefault("edd", pregnancy.edd)
    fields.setdefault("risk_band", pregnancy.risk_band)
    return Alert.objects.create(
        pregnancy=pregnancy, milestone=milestone, recipient=recipient, **fields
    )


def at(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


def inbox(client, **params) -> list[dict]:
    response = client.get(ALERTS, params)
    assert response.status_code == 200
    return response.json()["results"]


def test_it_lists_an_alert_with_exactly_the_contracts_fields(api, citra, pregnancy):
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False):
        alert = make_alert(pregnancy, citra, status=AlertStatus.SENT, sent_at=timezone.now())

        response = api(citra).get(ALERTS)

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    [item] = body["results"]
    assert set(item) == CONTRACT_FIELDS | EXTRA_FIELDS
    assert item == {
        "id": str(alert.id),
        "pregnancy": str(pregnancy.id),
        "milestone": "edd_minus_14",
        "edd": "2026-12-15",
        "days_to_edd": 14,
        "risk_band": "very_high",
        "urgent": False,
        "status": "sent",
        "created_at": "2026-12-01T08:00:00+07:00",
        "sent_at": "2026-12-01T08:00:00+07:00",
        "acknowledged_at": None,
        "escalated": False,
        "mother": {
            "full_name": pregnancy.mother.full_name,
            "village": pregnancy.mother.village,
            "phone": pregnancy.mother.phone,
        },
        "facility": {"id": str(pregnancy.facility_id), "name": "Puskesmas Sumbersari"},
        "kspr_score": 14,
        "risk_factors": [],
        "visit": None,
        "late": False,
        "action": None,
        "note": "",
        "death": None,
        "death_step": None,
    }


def test_it_shows_only_the_callers_own_alerts(api, citra, dodi, bayu, patrang, pregnancy):
    mine = make_alert(pregnancy, citra)
    theirs = make_pregnancy(facility=patrang, by=bayu, edd=EDD, doctor=dodi)
    make_alert(theirs, dodi)

    assert [a["id"] for a in inbox(api(citra))] == [str(mine.id)]


def test_it_is_empty_for_someone_with_no_alerts(api, ana, citra, pregnancy):
    make_alert(pregnancy, citra)

    assert inbox(api(ana)) == []


def test_it_lists_the_newest_first(api, citra, pregnancy):
    milestones = ["edd_minus_56", "edd_minus_28", "edd_minus_14"]
    for day, milestone in enumerate(milestones, start=1):
        with time_machine.travel(at(2026, 10, day, 9, 0), tick=False):
            make_alert(pregnancy, citra, milestone)

    assert [a["milestone"] for a in inbox(api(citra))] == list(reversed(milestones))


def test_it_hides_cancelled_alerts(api, citra, pregnancy):
    make_alert(pregnancy, citra, "edd_minus_28", status=AlertStatus.SENT)
    make_alert(pregnancy, citra, "edd_minus_14", status=AlertStatus.CANCELLED)

    assert [a["milestone"] for a in inbox(api(citra))] == ["edd_minus_28"]


def test_it_filters_on_acknowledged(api, citra, pregnancy):
    make_alert(pregnancy, citra, "edd_minus_28", acknowledged_at=timezone.now())
    make_alert(pregnancy, citra, "edd_minus_14")

    assert [a["milestone"] for a in inbox(api(citra), acknowledged="true")] == ["edd_minus_28"]
    assert [a["milestone"] for a in inbox(api(citra), acknowledged="false")] == ["edd_minus_14"]
    assert len(inbox(api(citra))) == 2


@pytest.mark.parametrize(
    ("moment", "days_to_edd"),
    [
        (at(2026, 12, 1, 0, 30), 14),
        # 23:30 in Jember is still 1 December; in UTC it is 16:30 the same day.
        (at(2026, 12, 1, 23, 30), 14),
        # 06:00 on 2 December in Jember is 23:00 on 1 December in UTC: Jember's day counts.
        (at(2026, 12, 2, 6, 0), 13),
        (at(2026, 12, 15, 12, 0), 0),
        (at(2026, 12, 22, 12, 0), -7),
    ],
)
def test_it_counts_days_to_the_edd_from_jembers_today(api, citra, pregnancy, moment, days_to_edd):
    make_alert(pregnancy, citra)

    with time_machine.travel(moment, tick=False):
        [item] = inbox(api(citra))

    assert item["days_to_edd"] == days_to_edd


def test_it_reports_the_edd_the_alert_was_raised_for(api, citra, pregnancy):
    # The EDD moved after the alert went out: the alert still says what it said.
    make_alert(pregnancy, citra, edd=EDD - timedelta(days=3))
    pregnancy.edd = EDD
    pregnancy.save()

    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        [item] = inbox(api(citra))

    assert (item["edd"], item["days_to_edd"]) == ("2026-12-12", 11)


def test_it_acknowledges_an_alert(api, citra, pregnancy):
    alert = make_alert(pregnancy, citra, status=AlertStatus.SENT)

    with time_machine.travel(at(2026, 12, 2, 7, 15), tick=False):
        response = api(citra).post(acknowledge_url(alert.id))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(alert.id)
    assert body["acknowledged_at"] == "2026-12-02T07:15:00+07:00"
    alert.refresh_from_db()
    assert alert.acknowledged_at == at(2026, 12, 2, 7, 15)
    assert inbox(api(citra), acknowledged="false") == []


def test_acknowledging_again_keeps_the_first_time(api, citra, pregnancy):
    alert = make_alert(pregnancy, citra)
    with time_machine.travel(at(2026, 12, 2, 7, 15), tick=False):
        first = api(citra).post(acknowledge_url(alert.id)).json()

    with time_machine.travel(at(2026, 12, 3, 18, 0), tick=False):
        response = api(citra).post(acknowledge_url(alert.id))

    assert response.status_code == 200
    assert response.json()["acknowledged_at"] == first["acknowledged_at"]
    alert.refresh_from_db()
    assert alert.acknowledged_at == at(2026, 12, 2, 7, 15)


def test_it_answers_404_to_another_doctors_alert(api, citra, dodi, pregnancy):
    alert = make_alert(pregnancy, citra)

    response = api(dodi).post(acknowledge_url(alert.id))

    assert response.status_code == 404
    assert "detail" in response.json()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_it_answers_404_to_a_cancelled_alert(api, citra, pregnancy):
    alert = make_alert(pregnancy, citra, status=AlertStatus.CANCELLED)

    assert api(citra).post(acknowledge_url(alert.id)).status_code == 404


@pytest.mark.parametrize(
    "alert_id",
    [
        "not-a-uuid",
        "12345",
        # The shape of a UUID, without being one.
        "0" * 36,
        "-" * 36,
        "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        str(uuid.uuid4()),
    ],
)
def test_it_answers_404_to_an_id_that_is_no_alert(api, citra, pregnancy, alert_id):
    make_alert(pregnancy, citra)

    response = api(citra).post(acknowledge_url(alert_id))

    assert response.status_code == 404
    assert "detail" in response.json()


def test_it_answers_401_to_an_anonymous_caller(api, citra, pregnancy):
    alert = make_alert(pregnancy, citra)

    assert api().get(ALERTS).status_code == 401
    assert api().post(acknowledge_url(alert.id)).status_code == 401
