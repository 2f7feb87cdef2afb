"""The registry's writes, through its API, reach the alerts: an outcome cancels what is
pending, an EDD correction re-plans what was not yet pushed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from notifications.dispatch import dispatch_due
from notifications.models import Alert, Delivery
from notifications.owed import record_owed_alerts
from notifications.push import PushOutcome
from tests.notifications.helpers import device_for
from tests.pregnancies.helpers import NOW, TODAY, detail, outcome, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def due_in_a_week(api, ana) -> str:
    # LMP 273 days ago: EDD in 7 days.
    return register(api(ana), lmp=(TODAY - timedelta(days=273)).isoformat())["id"]


def test_an_outcome_recorded_through_the_api_cancels_the_pending_alert(api, ana, citra, recording):
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY)
    pregnancy_id = due_in_a_week(api, ana)
    record_owed_alerts(today=TODAY)
    dispatch_due(backend=recording)  # FCM unavailable: the push waits for a retry
    assert Alert.objects.get().status == "pending"

    response = api(ana).post(
        outcome(pregnancy_id),
        {"kind": "live_birth", "date": TODAY.isoformat(), "babies_born_alive": 1},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Alert.objects.get().status == "cancelled"
    assert Delivery.objects.get().status == "cancelled"
    assert api(citra).get("/api/v1/alerts/").json()["results"] == []
    assert record_owed_alerts(today=TODAY + timedelta(days=7)) == 0


def test_an_edd_corrected_through_the_api_replans_the_alert_not_yet_pushed(
    api, ana, citra, recording
):
    pregnancy_id = due_in_a_week(api, ana)
    device_for(citra, "phone")
    recording.script("phone", PushOutcome.RETRY)
    record_owed_alerts(today=TODAY)
    dispatch_due(backend=recording)
    assert Alert.objects.get().milestone == "edd_minus_7"

    later_edd = TODAY + timedelta(days=30)
    response = api(ana).patch(detail(pregnancy_id), {"edd": later_edd.isoformat()}, format="json")

    assert response.status_code == 200, response.content
    assert Alert.objects.count() == 0
    record_owed_alerts(today=TODAY + timedelta(days=2))
    alert = Alert.objects.get()
    assert (alert.milestone, alert.edd) == ("edd_minus_28", later_edd)


def test_an_alert_already_pushed_stays_in_the_inbox_when_the_edd_moves(api, ana, citra, recording):
    pregnancy_id = due_in_a_week(api, ana)
    device_for(citra, "phone")
    record_owed_alerts(today=TODAY)
    dispatch_due(backend=recording)

    api(ana).patch(
        detail(pregnancy_id), {"edd": (TODAY + timedelta(days=30)).isoformat()}, format="json"
    )

    assert list(Alert.objects.values_list("milestone", "status")) == [("edd_minus_7", "sent")]
