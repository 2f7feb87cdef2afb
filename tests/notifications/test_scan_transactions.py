"""The scan is not one transaction: what a step commits stays, even when a later step
fails, and the next scan carries on from there."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Alert
from pregnancies.models import Pregnancy
from tests.notifications.helpers import make_pregnancy

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 3, 10)


def test_what_the_first_steps_committed_stays_when_escalation_fails(
    ana, citra, sumbersari, monkeypatch
):
    post_term = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY - timedelta(days=15))
    due = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=14))

    def broken(**kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(services, "escalate", broken)
    with pytest.raises(ConnectionError):
        services.scan(today=TODAY, now=timezone.now())

    assert "post_term" in Pregnancy.objects.get(pk=post_term.pk).risk_factors
    assert Alert.objects.filter(pregnancy=due, recipient=citra).exists()
