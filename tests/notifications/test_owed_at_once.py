"""Milestones owed at once: a registration or a correction that makes a milestone owed
today has it in the inbox when the request returns, not at the next scan
(docs/alerts-urgent.md, "The urgent path"). The push itself: test_urgent_worker.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Alert
from tests.pregnancies.helpers import NOW, TODAY, days_ago, detail, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def owed() -> list[tuple[str, str]]:
    return sorted(Alert.objects.values_list("milestone", "risk_band"))


def test_a_late_registration_is_owed_its_latest_milestone_only(api, ana, citra):
    register(api(ana), lmp=days_ago(270).isoformat())  # due in 10 days

    assert owed() == [("edd_minus_14", "low")]


def test_an_edd_moved_earlier_is_owed_at_once(api, ana, citra):
    made = register(api(ana), lmp=days_ago(200).isoformat())
    assert owed() == []

    edd = (TODAY + timedelta(days=6)).isoformat()
    response = api(ana).patch(detail(made["id"]), {"edd": edd}, format="json")

    assert response.status_code == 200
    assert owed() == [("edd_minus_7", "low")]


def test_a_band_raised_by_an_edit_is_owed_the_early_referral_milestone(api, ana, citra):
    made = register(api(ana), lmp=days_ago(33 * 7).isoformat())  # 33 weeks, low
    assert owed() == []

    api(ana).patch(
        detail(made["id"]), {"risk_factors": ["previous_caesarean", "twins"]}, format="json"
    )

    assert owed() == [("edd_minus_56", "very_high")]


def test_an_edit_that_changes_nothing_owed_raises_nothing(api, ana, citra):
    made = register(api(ana), lmp=days_ago(100).isoformat())

    api(ana).patch(detail(made["id"]), {"height_cm": 152}, format="json")

    assert owed() == []
