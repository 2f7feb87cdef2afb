"""An alert the doctor acknowledged before its first push is never pushed: she has read
it. Through the worker and Redis (the scan's dispatch), and in the claim itself, for an
acknowledgement that did not go through the service (the demo's, or one racing the claim)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.dispatch import dispatch_due, plan_deliveries
from notifications.models import Alert, Delivery
from notifications.owed import record_owed_alerts
from notifications.tasks import scan_due_alerts
from tests.notifications.helpers import device_for, make_pregnancy, wait_for

TOKEN = "fcm-" + "k" * 140 + "acked"


def two_owed_alerts(*, ana, citra, sumbersari) -> tuple[Alert, Alert]:
    today = timezone.localdate()
    for _ in range(2):
        make_pregnancy(facility=sumbersari, by=ana, edd=today + timedelta(days=14), doctor=citra)
    device_for(citra, TOKEN)
    record_owed_alerts(today=today)
    # Planned already: the acknowledgement finds a queued push, the harder case.
    plan_deliveries(now=timezone.now())
    read, unread = Alert.objects.order_by("id")
    assert Delivery.objects.filter(status="queued").count() == 2
    return read, unread


def pushed_alert_ids(fake_fcm) -> list[str]:
    return [alert_id for _token, alert_id in fake_fcm.delivered]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_alert_acknowledged_before_its_push_is_never_pushed_by_the_worker(
    api, ana, citra, sumbersari, fake_fcm, fcm_backend, worker
):
    read, unread = two_owed_alerts(ana=ana, citra=citra, sumbersari=sumbersari)
    answer = api(citra).post(
        f"/api/v1/alerts/{read.id}/acknowledge/", {"action": "called"}, format="json"
    )
    assert answer.status_code == 200, answer.content

    scan_due_alerts.delay()

    # The other alert goes out, so the worker did run the dispatch...
    assert wait_for(lambda: str(unread.id) in pushed_alert_ids(fake_fcm)), "nothing was pushed"
    time.sleep(2)  # ...and a push of the read one would have arrived by now.
    assert str(read.id) not in pushed_alert_ids(fake_fcm)
    read.refresh_from_db()
    assert read.status == "undelivered"  # in the inbox only
    assert list(read.deliveries.values_list("status", flat=True)) == ["cancelled"]
    unread.refresh_from_db()
    assert unread.status == "sent"


@pytest.mark.django_db
def test_the_claim_passes_over_an_alert_acknowledged_outside_the_service(
    ana, citra, sumbersari, fake_fcm, fcm_backend
):
    read, unread = two_owed_alerts(ana=ana, citra=citra, sumbersari=sumbersari)
    Alert.objects.filter(pk=read.pk).update(acknowledged_at=timezone.now())

    report = dispatch_due(backend=fcm_backend)

    assert pushed_alert_ids(fake_fcm) == [str(unread.id)]
    assert report.counts == {"sent": 1}
    # Nothing left that would wake the dispatcher for it.
    assert report.next_retry_in is None
