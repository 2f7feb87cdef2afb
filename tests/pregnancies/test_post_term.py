"""refresh_post_term: the KSPR factor that arrives with the calendar, not with a write."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pregnancies.models import Pregnancy
from pregnancies.services import refresh_post_term
from tests.pregnancies.helpers import TODAY, days_ago, detail, mother, outcome, register

TOMORROW = TODAY + timedelta(days=1)


def at_41_weeks_6_days(api, user, n: int = 1, *, first_serial: int = 300, **overrides) -> list:
    return [
        register(
            api(user),
            mother=mother(serial=first_serial + i),
            lmp=days_ago(293).isoformat(),
            **overrides,
        )
        for i in range(n)
    ]


def test_it_adds_post_term_on_the_day_the_pregnancy_reaches_42_weeks(api, ana, frozen_day):
    (pregnancy,) = at_41_weeks_6_days(api, ana, risk_factors=["twins"])
    assert refresh_post_term(today=TODAY) == 0
    before = Pregnancy.objects.get().updated_at
    frozen_day.shift(timedelta(days=1))

    assert refresh_post_term(today=TOMORROW) == 1

    stored = Pregnancy.objects.get()
    assert stored.risk_factors == ["twins", "post_term"]
    assert (stored.kspr_score, stored.risk_band) == (10, "high")
    assert stored.updated_at > before  # offline sync sees the new factor
    data = api(ana).get(detail(pregnancy["id"])).json()
    assert (data["risk_factors"], data["gestational_age"]) == (
        ["twins", "post_term"],
        {"weeks": 42, "days": 0},
    )


def test_an_lmp_edd_counts_from_the_lmp_and_an_ultrasound_edd_from_280_days_before_it(api, ana):
    # Both 41w6d today: the LMP one's EDD (2026-02-28, by the calendar) is 10 days ago,
    # the ultrasound one's 13.
    by_lmp = at_41_weeks_6_days(api, ana)[0]
    by_scan = register(api(ana), mother=mother(serial=301), lmp=None, edd="2026-02-25")
    assert by_lmp["edd"] == "2026-02-28"
    assert refresh_post_term(today=TODAY) == 0

    assert refresh_post_term(today=TOMORROW) == 2
    assert {str(p.pk) for p in Pregnancy.objects.filter(risk_factors__icontains="post_term")} == {
        by_lmp["id"],
        by_scan["id"],
    }


def test_a_second_run_changes_nothing(api, ana):
    at_41_weeks_6_days(api, ana, 2)

    assert refresh_post_term(today=TOMORROW) == 2
    assert refresh_post_term(today=TOMORROW) == 0
    assert refresh_post_term(today=TOMORROW + timedelta(days=10)) == 0


def test_it_leaves_closed_pregnancies_alone(api, ana):
    (pregnancy,) = at_41_weeks_6_days(api, ana)
    api(ana).post(
        outcome(pregnancy["id"]), {"kind": "live_birth", "date": TODAY.isoformat()}, format="json"
    )

    assert refresh_post_term(today=TOMORROW) == 0
    assert Pregnancy.objects.get().risk_factors == []


def test_it_works_through_many_rows_in_batches(api, ana):
    at_41_weeks_6_days(api, ana, 5)

    assert refresh_post_term(today=TOMORROW, batch_size=2) == 5
    assert all("post_term" in p.risk_factors for p in Pregnancy.objects.all())


def test_its_query_count_depends_on_batches_not_rows(api, ana, citra):
    at_41_weeks_6_days(api, ana, 1)
    with CaptureQueriesContext(connection) as one:
        refresh_post_term(today=TOMORROW)
    queries_for_one = len(one.captured_queries)
    Pregnancy.objects.update(risk_factors=[], kspr_score=2, risk_band="low")
    at_41_weeks_6_days(api, citra, 6, first_serial=400)
    Pregnancy.objects.update(risk_factors=[], kspr_score=2, risk_band="low")

    with CaptureQueriesContext(connection) as seven:
        assert refresh_post_term(today=TOMORROW) == 7

    assert len(seven.captured_queries) == queries_for_one


def test_a_correction_recomputes_post_term_with_todays_date(api, ana):
    (pregnancy,) = at_41_weeks_6_days(api, ana)

    data = (
        api(ana)
        .patch(detail(pregnancy["id"]), {"lmp": days_ago(295).isoformat()}, format="json")
        .json()
    )

    assert "post_term" in data["risk_factors"]
    back = (
        api(ana)
        .patch(detail(pregnancy["id"]), {"lmp": days_ago(290).isoformat()}, format="json")
        .json()
    )
    assert "post_term" not in back["risk_factors"]
