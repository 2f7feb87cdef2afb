"""The AMP-SR deadlines, table by table (time-machine): notified in time or late; each
step done in time raises nothing, each step's deadline passed raises exactly one
death_step_overdue alert per health officer, however often the scan runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from deaths import rules
from deaths.models import DeathDeadline
from deaths.services import death_steps_overdue
from jsc.people.models import Role
from notifications.models import Alert
from tests.conftest import make_user
from tests.deaths.helpers import JAKARTA, NOW, autopsy, case_url, notify, unregistered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("died_hours_ago", "hours_setting", "late"),
    [(1, 24, False), (23.9, 24, False), (24.1, 24, True), (50, 24, True), (50, 72, False)],
)
def test_notified_in_time_or_late(api, places, bayu, settings, died_hours_ago, hours_setting, late):
    settings.DEATH_NOTIFICATION_HOURS = hours_setting

    case = notify(
        api(bayu), unregistered(died_at=(NOW - timedelta(hours=died_hours_ago)).isoformat())
    )

    assert case["notified_late"] is late


@pytest.mark.parametrize(
    ("died_on", "notified", "late"),
    [
        # A death known by its date only counts from the end of that day.
        (date(2026, 3, 9), datetime(2026, 3, 10, 23, 0, tzinfo=JAKARTA), False),
        (date(2026, 3, 9), datetime(2026, 3, 11, 0, 1, tzinfo=JAKARTA), True),
    ],
)
def test_a_death_known_only_by_its_date_counts_from_the_end_of_that_day(died_on, notified, late):
    due = rules.notification_due(died_at=rules.start_of_day(died_on), time_known=False)

    assert (notified > due) is late


@pytest.mark.parametrize(
    ("interview", "due"),
    [
        (date(2026, 3, 10), date(2026, 7, 1)),  # Q1 -> reviewed by the end of Q2
        (date(2026, 4, 1), date(2026, 10, 1)),
        (date(2026, 11, 30), date(2027, 4, 1)),  # Q4 -> end of Q1 next year
        (date(2026, 12, 31), date(2027, 4, 1)),
    ],
)
def test_the_review_is_due_by_the_end_of_the_quarter_after_the_verbal_autopsy(interview, due):
    assert rules.review_due(interview) == rules.start_of_day(due)


@pytest.fixture
def officers(dewi):
    return [dewi, make_user("eko", Role.HEALTH_OFFICE, full_name="Eko (Dinkes)")]


def overdue_alerts(case_id, step=None):
    alerts = Alert.objects.filter(death_id=case_id, milestone="death_step_overdue")
    return alerts.filter(death_step=step) if step else alerts


# (step, days after notification when checked, done before?) -> alerts for that step
STEP_TABLE = [
    ("screening", 6.9, False, 0),
    ("screening", 7.1, False, 2),
    ("screening", 7.1, True, 0),
    ("verbal_autopsy", 13.9, False, 0),
    ("verbal_autopsy", 14.1, False, 2),
    ("verbal_autopsy", 14.1, True, 0),
]


@pytest.mark.parametrize(("step", "days", "done", "alerts"), STEP_TABLE)
def test_each_step_in_time_or_late(
    api, places, bayu, officers, frozen_moment, step, days, done, alerts
):
    case = notify(api(bayu), unregistered())
    if done and step == "screening":
        api(officers[0]).post(
            case_url(case["id"], "screening/"), {"is_maternal": True}, format="json"
        )
    if done and step == "verbal_autopsy":
        api(bayu).post(case_url(case["id"], "verbal-autopsy/"), autopsy(), format="json")

    frozen_moment.shift(timedelta(days=days))
    for _ in range(3):  # the scan runs again and again: still one alert per officer
        death_steps_overdue(now=timezone.now())

    assert overdue_alerts(case["id"], step).count() == alerts
    assert {a.recipient for a in overdue_alerts(case["id"], step)} == (
        set(officers) if alerts else set()
    )
    assert all(a.status == "undelivered" for a in overdue_alerts(case["id"]))  # inbox only


def test_the_review_deadline_passed_raises_one_alert(api, places, bayu, officers, frozen_moment):
    case = notify(api(bayu), unregistered())
    api(officers[0]).post(case_url(case["id"], "screening/"), {"is_maternal": True}, format="json")
    api(bayu).post(case_url(case["id"], "verbal-autopsy/"), autopsy(), format="json")

    frozen_moment.move_to(datetime(2026, 6, 30, 23, 0, tzinfo=JAKARTA))
    death_steps_overdue(now=timezone.now())
    assert overdue_alerts(case["id"], "review").count() == 0
    frozen_moment.move_to(datetime(2026, 7, 1, 0, 30, tzinfo=JAKARTA))
    death_steps_overdue(now=timezone.now())
    death_steps_overdue(now=timezone.now())

    assert overdue_alerts(case["id"], "review").count() == 2
    assert overdue_alerts(case["id"]).count() == 2  # the others were met in time


def test_a_case_closed_as_not_maternal_owes_nothing(api, places, bayu, officers, frozen_moment):
    case = notify(api(bayu), unregistered())
    api(officers[0]).post(case_url(case["id"], "screening/"), {"is_maternal": False}, format="json")

    frozen_moment.shift(timedelta(days=30))
    death_steps_overdue(now=timezone.now())

    assert overdue_alerts(case["id"]).count() == 0


def test_without_a_health_officer_nothing_is_claimed(api, places, bayu, frozen_moment):
    case = notify(api(bayu), unregistered())
    frozen_moment.shift(timedelta(days=30))

    assert death_steps_overdue(now=timezone.now()) == 0
    assert DeathDeadline.objects.filter(case_id=case["id"], overdue_alerted_at=None).count() == 2
