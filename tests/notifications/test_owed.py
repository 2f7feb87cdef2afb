"""Which alerts the scan owes, on fixed days (docs/domain.md, "Alerts to doctors")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jsc.people.models import Role
from notifications.models import Alert, AlertRule
from notifications.owed import alerts_owed, record_owed_alerts
from notifications.services import cancel_for_pregnancy, replan_for_pregnancies
from tests.conftest import make_user
from tests.notifications.helpers import make_pregnancy

TODAY = date(2026, 12, 1)


def owed_milestones(**kwargs) -> list[tuple]:
    return sorted(
        (a.pregnancy_id, a.milestone, a.recipient_id) for a in alerts_owed(today=TODAY, **kwargs)
    )


@pytest.mark.parametrize(
    ("days_to_edd", "band", "milestone"),
    [
        (57, "high", None),
        (56, "high", "edd_minus_56"),
        (56, "very_high", "edd_minus_56"),
        (56, "low", None),  # the 8-week alert is for high and very high risk only
        (29, "low", None),
        (28, "low", "edd_minus_28"),
        (28, "high", "edd_minus_28"),
        (15, "low", "edd_minus_28"),  # still the latest milestone that has come
        (14, "low", "edd_minus_14"),
        (7, "very_high", "edd_minus_7"),
        (1, "low", "edd_minus_7"),
        (0, "low", "edd"),
        (-7, "low", "post_term_7"),
        (-14, "low", "post_term_14"),
        # The scan reads EDDs alone, and an EDD from the LMP is up to 283 days on: up to
        # 25 days after the EDD no pregnancy is past 44 weeks; from 26 one may be.
        (-25, "low", "post_term_14"),
        (-26, "low", None),
        (-60, "high", None),
    ],
)
def test_it_owes_the_latest_milestone_that_has_come(
    ana, citra, sumbersari, days_to_edd, band, milestone
):
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=TODAY + timedelta(days=days_to_edd), risk_band=band
    )

    owed = alerts_owed(today=TODAY)

    assert [(a.pregnancy_id, a.milestone, a.recipient_id) for a in owed] == (
        [(pregnancy.id, milestone, citra.id)] if milestone else []
    )


def test_a_late_registration_gets_only_the_latest_milestone_not_a_burst(ana, citra, sumbersari):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=3), risk_band="high")

    record_owed_alerts(today=TODAY)

    assert list(Alert.objects.values_list("milestone", flat=True)) == ["edd_minus_7"]


def test_each_milestone_is_owed_once_however_often_the_scan_runs(ana, citra, sumbersari):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=14))

    record_owed_alerts(today=TODAY)
    record_owed_alerts(today=TODAY)
    record_owed_alerts(today=TODAY + timedelta(days=1))

    assert Alert.objects.count() == 1
    assert alerts_owed(today=TODAY) == []


def test_the_next_milestone_comes_on_its_own_day(ana, citra, sumbersari):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=14))

    for day in range(15):
        record_owed_alerts(today=TODAY + timedelta(days=day))

    assert sorted(Alert.objects.values_list("milestone", flat=True)) == [
        "edd",
        "edd_minus_14",
        "edd_minus_7",
    ]


def test_the_named_doctor_alone_is_alerted(ana, citra, sumbersari):
    other = make_user("eka", Role.DOCTOR, sumbersari)
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7), doctor=other
    )

    assert owed_milestones() == [(pregnancy.id, "edd_minus_7", other.id)]


def test_without_a_named_doctor_every_active_doctor_of_the_facility_is_alerted(
    ana, citra, dodi, sumbersari
):
    eka = make_user("eka", Role.DOCTOR, sumbersari)
    make_user("fajar", Role.DOCTOR, sumbersari, is_active=False)
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))

    assert owed_milestones() == sorted(
        [(pregnancy.id, "edd_minus_7", citra.id), (pregnancy.id, "edd_minus_7", eka.id)]
    )


def test_an_inactive_named_doctor_falls_back_to_the_facility_doctors(ana, citra, sumbersari):
    gone = make_user("gita", Role.DOCTOR, sumbersari, is_active=False)
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7), doctor=gone
    )

    assert owed_milestones() == [(pregnancy.id, "edd_minus_7", citra.id)]


@pytest.mark.parametrize("status", ["delivered", "ended"])
def test_a_closed_pregnancy_is_owed_nothing(ana, citra, sumbersari, status):
    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY, status=status)

    assert alerts_owed(today=TODAY) == []


def test_an_outcome_cancels_what_is_pending_and_keeps_what_was_sent(ana, citra, sumbersari):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=14))
    record_owed_alerts(today=TODAY)
    sent = Alert.objects.get()
    sent.status = "sent"
    sent.save()
    record_owed_alerts(today=TODAY + timedelta(days=7))

    cancel_for_pregnancy(pregnancy.id)

    assert dict(Alert.objects.values_list("milestone", "status")) == {
        "edd_minus_14": "sent",
        "edd_minus_7": "cancelled",
    }


def test_an_edd_moved_later_replans_what_was_not_yet_sent(ana, citra, sumbersari):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    record_owed_alerts(today=TODAY)
    assert Alert.objects.get().milestone == "edd_minus_7"

    pregnancy.edd = TODAY + timedelta(days=30)
    pregnancy.save()
    replan_for_pregnancies([pregnancy.id])

    assert Alert.objects.count() == 0
    assert owed_milestones() == []
    record_owed_alerts(today=TODAY + timedelta(days=2))
    assert Alert.objects.get().milestone == "edd_minus_28"
    assert Alert.objects.get().edd == TODAY + timedelta(days=30)


def test_an_edd_moved_earlier_owes_the_new_latest_milestone(ana, citra, sumbersari):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=40))
    assert owed_milestones() == []

    pregnancy.edd = TODAY + timedelta(days=10)
    pregnancy.save()

    assert owed_milestones() == [(pregnancy.id, "edd_minus_14", citra.id)]


def test_rules_edited_by_an_admin_take_effect(ana, citra, sumbersari):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=56))
    AlertRule.objects.filter(milestone="edd_minus_56").update(bands=["low", "high", "very_high"])
    assert owed_milestones() == [(pregnancy.id, "edd_minus_56", citra.id)]

    AlertRule.objects.filter(milestone="edd_minus_56").update(active=False)
    assert owed_milestones() == []


def test_the_scan_runs_a_fixed_number_of_queries_whatever_the_number_of_pregnancies(
    ana, citra, sumbersari, django_assert_num_queries
):
    def scan_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            alerts_owed(today=TODAY)
        return len(ctx.captured_queries)

    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    few = scan_queries()
    for days in range(0, 60, 2):
        make_pregnancy(
            facility=sumbersari, by=ana, edd=TODAY + timedelta(days=days), risk_band="high"
        )

    assert scan_queries() == few


def test_an_undelivered_alert_moves_with_the_edd_too(ana, citra, sumbersari):
    # Dr. Citra has no phone: the alert is only in her inbox ("undelivered").
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=28))
    record_owed_alerts(today=TODAY)
    Alert.objects.update(status="undelivered")

    pregnancy.edd = TODAY + timedelta(days=58)
    pregnancy.save()
    replan_for_pregnancies([pregnancy.id])

    assert Alert.objects.count() == 0
    record_owed_alerts(today=TODAY + timedelta(days=30))
    alert = Alert.objects.get()
    assert (alert.milestone, alert.edd) == ("edd_minus_28", TODAY + timedelta(days=58))


def test_an_acknowledged_alert_stays_when_the_edd_moves(ana, citra, sumbersari):
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=28))
    record_owed_alerts(today=TODAY)
    Alert.objects.update(status="undelivered", acknowledged_at=timezone.now())

    replan_for_pregnancies([pregnancy.id])

    assert Alert.objects.count() == 1


def test_a_named_doctor_who_moved_to_another_facility_is_replaced_by_the_facility_doctors(
    ana, citra, dodi, sumbersari
):
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7), doctor=dodi
    )

    assert owed_milestones() == [(pregnancy.id, "edd_minus_7", citra.id)]


def test_recording_inserts_from_the_select_in_a_fixed_number_of_queries(ana, citra, sumbersari):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def record_queries(today) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            recorded = record_owed_alerts(today=today)
        return recorded, len(ctx.captured_queries)

    make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=7))
    one, few = record_queries(TODAY)
    for days in range(0, 60, 2):
        make_pregnancy(
            facility=sumbersari, by=ana, edd=TODAY + timedelta(days=days), risk_band="high"
        )
    many, more = record_queries(TODAY)

    assert (one, many) == (1, 29)  # EDD 58 days ahead: nothing owed yet
    assert more == few
    assert Alert.objects.filter(recipient=citra, status="pending").count() == 30


def test_a_slice_that_writes_many_alerts_refreshes_the_statistics_before_the_next(
    ana, citra, sumbersari, monkeypatch
):
    """A first scan fills a table the planner believes empty (bench/notes.md, "Scan")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import owed

    for days in (0, 20):  # 20 days apart: two slices of 14 days
        make_pregnancy(facility=sumbersari, by=ana, edd=TODAY + timedelta(days=days))
    monkeypatch.setattr(owed, "ANALYZE_AFTER", 1)
    with CaptureQueriesContext(connection) as ctx:
        assert record_owed_alerts(today=TODAY) == 2
    statements = [q["sql"].split()[0] for q in ctx.captured_queries]
    assert statements.count("ANALYZE") == 2
    # Each right after the slice that wrote the rows, before the next slice.
    assert all(statements[i - 1] == "INSERT" for i, s in enumerate(statements) if s == "ANALYZE")

    monkeypatch.setattr(owed, "ANALYZE_AFTER", 2)
    with CaptureQueriesContext(connection) as ctx:
        assert record_owed_alerts(today=TODAY) == 0  # nothing new: no ANALYZE
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
