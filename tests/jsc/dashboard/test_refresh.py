"""The figures counted ahead (PWS KIA, the overview's districts): beat's refresh gives
the same answers as counting at request time, says how old they are, and a later
visit shows at the next refresh."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from jsc.dashboard.models import PwsCount, Refresh
from jsc.dashboard.refresh import dashboard_refresh, pws_window
from jsc.schedule import declared
from pregnancies.models import Visit
from tests.pregnancies.helpers import NOW

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/pws-kia/"
QUERIES = [
    {"year": 2026, "month": 3},
    {"year": 2026, "month": 3, "district": "35.09.21"},
    {"year": 2026, "month": 1, "district": "Patrang"},
    {"year": 2025, "month": 12},
]


def answer(api, user, params) -> dict:
    response = api(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def without_freshness(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "as_of"}


def refresh() -> None:
    dashboard_refresh(today=timezone.localdate(), now=timezone.now())


def test_the_refreshed_counts_answer_exactly_what_counting_now_answers(api, dewi, data):
    counted_now = [answer(api, dewi, q) for q in QUERIES]
    assert all(body["as_of"] is None for body in counted_now)

    refresh()

    precomputed = [answer(api, dewi, q) for q in QUERIES]
    assert [without_freshness(b) for b in precomputed] == [
        without_freshness(b) for b in counted_now
    ]
    assert PwsCount.objects.exists()


SUMMARY = "/api/v1/dashboard/summary/"


def test_the_refreshed_overview_answers_what_counting_now_answers(api, dewi, data, ana):
    years = [{"year": 2026}, {"year": 2025}]
    counted_now = [api(dewi).get(SUMMARY, q).json() for q in years]
    assert all(body["as_of"] is None for body in counted_now)

    refresh()

    precomputed = [api(dewi).get(SUMMARY, q).json() for q in years]
    assert [without_freshness(b) for b in precomputed] == [
        without_freshness(b) for b in counted_now
    ]
    assert precomputed[0]["as_of"] is not None
    # A year the refresh did not count is counted now.
    assert api(dewi).get(SUMMARY, {"year": 2023}).json()["as_of"] is None


def test_the_answer_says_when_its_figures_were_counted_and_how_often(api, dewi, data):
    refresh()

    body = answer(api, dewi, QUERIES[0])

    assert abs(datetime.fromisoformat(body["as_of"]) - NOW) < timedelta(minutes=1)
    assert body["refreshed_every_seconds"] == settings.DASHBOARD_REFRESH_SECONDS


def test_a_visit_recorded_after_a_refresh_counts_from_the_next_one(api, dewi, data, ana):
    refresh()
    before = answer(api, dewi, QUERIES[1])
    k1 = {a["name"]: a["indicators"]["k1_akses"]["count"] for a in before["areas"]}
    # I, in Kranjingan (Sumbersari), had no visit yet: this is her first contact.
    Visit.objects.create(pregnancy=data.i, date=date(2026, 3, 9), recorded_by=ana)

    assert answer(api, dewi, QUERIES[1]) == before

    refresh()
    after = answer(api, dewi, QUERIES[1])
    k1_after = {a["name"]: a["indicators"]["k1_akses"]["count"] for a in after["areas"]}
    assert sum(k1_after.values()) == sum(k1.values()) + 1


def test_a_year_the_refresh_does_not_cover_is_counted_at_request_time(api, dewi, data):
    refresh()
    first, _last = pws_window(timezone.localdate())
    assert first > date(2023, 12, 1)  # 2024 needs December 2023

    body = answer(api, dewi, {"year": 2024, "month": 6})

    assert body["as_of"] is None


def test_a_second_refresh_replaces_the_counts_instead_of_adding_to_them(data):
    refresh()
    first = sorted(
        PwsCount.objects.values_list("district_id", "village_id", "indicator", "month", "count")
    )

    refresh()

    assert (
        sorted(
            PwsCount.objects.values_list("district_id", "village_id", "indicator", "month", "count")
        )
        == first
    )
    assert Refresh.objects.count() == 2  # one row per part: PWS KIA and the overview


def test_beat_runs_the_refresh_every_dashboard_refresh_seconds():
    tasks = {p.task: p.every_seconds for p in declared()}

    assert tasks["jsc.dashboard.tasks.refresh_dashboard"] == settings.DASHBOARD_REFRESH_SECONDS


@pytest.mark.parametrize("page", ["/dashboard/", "/dashboard/pws-kia/?year=2026&month=3"])
def test_the_pages_say_when_the_figures_were_counted(client, dewi, data, page):
    client.force_login(dewi)
    assert "Dihitung pada" not in client.get(page).content.decode()

    refresh()

    assert "dihitung ulang setiap 10 menit" in client.get(page).content.decode()
