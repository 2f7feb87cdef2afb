"""escalate(): a very-high-risk alert nobody acknowledged in time goes to the health office.

docs/domain.md, "Alerts to doctors": a very-high-risk alert not acknowledged within 24 hours
is copied once to every health officer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jsc.people.models import Role
from notifications.escalation import escalate
from notifications.models import Alert, AlertStatus
from tests.conftest import make_user
from tests.notifications.helpers import make_pregnancy

JAKARTA = ZoneInfo("Asia/Jakarta")
RAISED = datetime(2026, 12, 1, 8, 0, tzinfo=JAKARTA)
DAY_LATER = RAISED + timedelta(hours=24)
EDD = date(2026, 12, 15)

pytestmark = pytest.mark.django_db


@pytest.fixture
def eko(sumbersari):
    """A second doctor at Sumbersari."""
    return make_user("eko", Role.DOCTOR, sumbersari, full_name="dr. Eko")


@pytest.fixture
def fajar(db):
    """A second Dinkes officer."""
    return make_user("fajar", Role.HEALTH_OFFICE, full_name="Fajar (Dinkes)")


def raise_alert(pregnancy, recipient, *, at: datetime = RAISED, **fields) -> Alert:
    fields.setdefault("milestone", "edd_minus_14")
    with time_machine.travel(at, tick=False):
        return Alert.objects.create(
            pregnancy=pregnancy,
            recipient=recipient,
            edd=pregnancy.edd,
            risk_band=pregnancy.risk_band,
            **fields,
        )


@pytest.fixture
def very_high(sumbersari, ana, citra):
    return make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high", doctor=citra)


def copies() -> list[Alert]:
    return list(Alert.objects.filter(escalated_from__isnull=False).order_by("recipient__username"))


def test_it_copies_an_unanswered_very_high_risk_alert_to_every_officer(
    very_high, citra, dewi, fajar, adi
):
    alert = raise_alert(very_high, citra, status=AlertStatus.SENT)

    assert escalate(now=DAY_LATER) == 1

    assert [c.recipient for c in copies()] == [dewi, fajar]
    for copy in copies():
        assert copy.escalated_from == alert
        assert (copy.pregnancy, copy.milestone, copy.edd, copy.risk_band) == (
            very_high,
            "edd_minus_14",
            EDD,
            "very_high",
        )
        # The office is told at once, marked urgent, and waits for its own acknowledgement.
        assert copy.urgent is True
        assert copy.status == AlertStatus.PENDING
        assert copy.acknowledged_at is None
    alert.refresh_from_db()
    assert alert.escalated_at == DAY_LATER
    assert not adi.alerts.exists()


def test_it_escalates_only_once(very_high, citra, dewi):
    alert = raise_alert(very_high, citra)
    escalate(now=DAY_LATER)

    assert escalate(now=DAY_LATER + timedelta(hours=1)) == 0
    assert escalate(now=DAY_LATER + timedelta(days=3)) == 0

    assert Alert.objects.filter(recipient=dewi).count() == 1
    alert.refresh_from_db()
    assert alert.escalated_at == DAY_LATER


def test_the_copy_shows_as_escalated_in_the_officers_inbox(api, very_high, citra, dewi):
    alert = raise_alert(very_high, citra)
    escalate(now=DAY_LATER)

    response = api(dewi).get("/api/v1/alerts/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == str(copies()[0].id)
    assert item["id"] != str(alert.id)
    assert (item["pregnancy"], item["milestone"], item["risk_band"]) == (
        str(very_high.id),
        "edd_minus_14",
        "very_high",
    )
    assert item["escalated"] is True
    assert item["acknowledged_at"] is None


def test_the_officer_acknowledges_the_copy(api, very_high, citra, dewi):
    raise_alert(very_high, citra)
    escalate(now=DAY_LATER)
    [copy] = copies()

    response = api(dewi).post(f"/api/v1/alerts/{copy.id}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None


def test_it_waits_the_full_24_hours(very_high, citra, dewi):
    alert = raise_alert(very_high, citra)

    assert escalate(now=DAY_LATER - timedelta(minutes=1)) == 0

    assert copies() == []
    alert.refresh_from_db()
    assert alert.escalated_at is None


@pytest.mark.parametrize("band", ["high", "low"])
def test_it_never_escalates_a_lower_risk_alert(sumbersari, ana, citra, dewi, band):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band=band, doctor=citra)
    raise_alert(pregnancy, citra, urgent=True)

    assert escalate(now=RAISED + timedelta(days=30)) == 0

    assert copies() == []


def test_it_goes_by_the_band_the_alert_was_raised_for(very_high, citra, dewi):
    # The score went down after the alert; the alert was for a very-high-risk mother.
    raise_alert(very_high, citra)
    very_high.risk_band = "high"
    very_high.save()

    assert escalate(now=DAY_LATER) == 1


def test_it_does_not_escalate_an_acknowledged_alert(very_high, citra, dewi):
    raise_alert(very_high, citra, acknowledged_at=RAISED + timedelta(hours=23))

    assert escalate(now=DAY_LATER) == 0

    assert copies() == []


def test_one_doctor_of_the_facility_answering_is_enough(sumbersari, ana, citra, eko, dewi):
    # No named doctor: both doctors of Sumbersari got the alert; Dr. Eko answered it.
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high")
    citras = raise_alert(pregnancy, citra)
    raise_alert(pregnancy, eko, acknowledged_at=RAISED + timedelta(hours=2))

    assert escalate(now=DAY_LATER) == 0

    assert copies() == []
    citras.refresh_from_db()
    assert citras.escalated_at is None


def test_an_answer_to_another_milestone_does_not_count(very_high, citra, dewi):
    raise_alert(very_high, citra, milestone="edd_minus_28", acknowledged_at=RAISED)
    raise_alert(very_high, citra, milestone="edd_minus_14")

    assert escalate(now=DAY_LATER) == 1

    assert [c.milestone for c in copies()] == ["edd_minus_14"]


def test_two_unanswered_doctors_make_one_copy_per_officer(sumbersari, ana, citra, eko, dewi):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high")
    raise_alert(pregnancy, citra)
    raise_alert(pregnancy, eko)

    assert escalate(now=DAY_LATER) == 2

    assert [c.recipient for c in copies()] == [dewi]
    assert Alert.objects.filter(recipient__role=Role.DOCTOR, escalated_at=DAY_LATER).count() == 2


@pytest.mark.parametrize("status", ["delivered", "ended"])
def test_it_does_not_escalate_for_a_closed_pregnancy(sumbersari, ana, citra, dewi, status):
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=EDD, risk_band="very_high", doctor=citra, status=status
    )
    raise_alert(pregnancy, citra)

    assert escalate(now=DAY_LATER) == 0

    assert copies() == []


def test_it_does_not_escalate_a_cancelled_alert(very_high, citra, dewi):
    raise_alert(very_high, citra, status=AlertStatus.CANCELLED)

    assert escalate(now=DAY_LATER) == 0


def test_it_escalates_an_alert_that_reached_no_phone(very_high, citra, dewi):
    # Only in the inbox: the very case where nobody may have seen it.
    raise_alert(very_high, citra, status=AlertStatus.UNDELIVERED)

    assert escalate(now=DAY_LATER) == 1


def test_escalation_hours_changes_the_threshold(settings, very_high, citra, dewi):
    settings.ESCALATION_HOURS = 6
    raise_alert(very_high, citra)

    assert escalate(now=RAISED + timedelta(hours=5, minutes=59)) == 0
    assert escalate(now=RAISED + timedelta(hours=6)) == 1

    assert [c.recipient for c in copies()] == [dewi]


def test_an_inactive_officer_gets_nothing(very_high, citra, dewi, fajar):
    fajar.is_active = False
    fajar.save()
    raise_alert(very_high, citra)

    escalate(now=DAY_LATER)

    assert [c.recipient for c in copies()] == [dewi]
    assert not fajar.alerts.exists()


def test_with_no_active_officer_the_alert_waits_for_one(very_high, citra, dewi):
    dewi.is_active = False
    dewi.save()
    alert = raise_alert(very_high, citra)

    assert escalate(now=DAY_LATER) == 0

    alert.refresh_from_db()
    assert alert.escalated_at is None
    dewi.is_active = True
    dewi.save()
    assert escalate(now=DAY_LATER + timedelta(hours=1)) == 1
    assert [c.recipient for c in copies()] == [dewi]


def test_it_takes_the_oldest_first_up_to_the_limit(sumbersari, ana, citra, dewi):
    older = make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high")
    newer = make_pregnancy(facility=sumbersari, by=ana, edd=EDD, risk_band="very_high")
    raise_alert(newer, citra, at=RAISED)
    raise_alert(older, citra, at=RAISED - timedelta(hours=5))

    assert escalate(now=DAY_LATER, limit=1) == 1
    assert [c.pregnancy for c in copies()] == [older]

    assert escalate(now=DAY_LATER, limit=1) == 1
    assert {c.pregnancy for c in copies()} == {older, newer}
