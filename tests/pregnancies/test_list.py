"""GET /api/v1/pregnancies/: scope, order, filters, offline sync, query count, audit."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pregnancies.models import AuditEntry
from tests.pregnancies.helpers import (
    NOW,
    TODAY,
    URL,
    body,
    days_ago,
    mother,
    outcome,
    register,
    register_many,
)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["results"]]


def test_it_lists_the_facilitys_pregnancies_ordered_by_edd(api, ana, citra, bayu):
    late = register(api(ana), lmp=days_ago(10).isoformat())
    soon = register(api(ana), mother=mother(serial=2), lmp=days_ago(200).isoformat())
    register(api(bayu), mother=mother(serial=3))

    response = api(citra).get(URL)

    assert ids(response) == [soon["id"], late["id"]]
    assert response.json()["count"] == 2
    assert response.json()["next"] is None
    assert response.json()["results"][0] == api(citra).get(f"{URL}{soon['id']}/").json()


def test_the_health_office_sees_the_whole_regency_and_filters_by_facility(
    api, ana, bayu, dewi, patrang
):
    mine = register(api(ana))
    theirs = register(api(bayu), mother=mother(serial=2))

    assert set(ids(api(dewi).get(URL))) == {mine["id"], theirs["id"]}
    assert ids(api(dewi).get(URL, {"facility": str(patrang.pk)})) == [theirs["id"]]


def test_a_facility_filter_cannot_widen_a_midwifes_reach(api, ana, bayu, patrang):
    register(api(bayu))

    assert ids(api(ana).get(URL, {"facility": str(patrang.pk)})) == []


def test_an_admin_is_not_clinical_staff_and_gets_no_list(api, ana, adi):
    register(api(ana))

    assert api(adi).get(URL).status_code == 403


def test_it_filters_by_status_and_risk_band(api, ana):
    client = api(ana)
    low = register(client)
    high = register(client, mother=mother(serial=2), risk_factors=["twins"])
    very_high = register(client, mother=mother(serial=3), risk_factors=["breech", "twins"])
    born = register(client, mother=mother(serial=4), lmp=days_ago(270).isoformat())
    client.post(
        outcome(born["id"]), {"kind": "live_birth", "date": TODAY.isoformat()}, format="json"
    )

    assert ids(client.get(URL, {"risk_band": "high"})) == [high["id"]]
    assert ids(client.get(URL, {"risk_band": "very_high"})) == [very_high["id"]]
    assert set(ids(client.get(URL, {"status": "active"}))) == {
        low["id"],
        high["id"],
        very_high["id"],
    }
    assert ids(client.get(URL, {"status": "delivered"})) == [born["id"]]
    assert ids(client.get(URL, {"status": "delivered", "risk_band": "high"})) == []


def test_it_filters_by_due_date_inclusive(api, ana):
    made = register_many(api(ana), 3)  # EDDs d, d+1, d+2
    edd = made[1]["edd"]

    assert ids(api(ana).get(URL, {"due_after": edd})) == [made[1]["id"], made[2]["id"]]
    assert ids(api(ana).get(URL, {"due_before": edd})) == [made[0]["id"], made[1]["id"]]
    assert ids(api(ana).get(URL, {"due_after": edd, "due_before": edd})) == [made[1]["id"]]


def test_it_syncs_what_changed_since_a_timestamp(api, ana, frozen_day):
    client = api(ana)
    old, other = register_many(client, 2)
    frozen_day.shift(timedelta(hours=2))
    since = "2026-03-10T03:00:00+07:00"
    client.patch(f"{URL}{old['id']}/", {"height_cm": 152}, format="json")
    new = register(client, mother=mother(serial=3))

    assert set(ids(client.get(URL, {"updated_since": since}))) == {old["id"], new["id"]}
    # The same instant in UTC, and a "+" that arrived as a space (unencoded query string).
    assert len(ids(client.get(URL, {"updated_since": "2026-03-09T20:00:00Z"}))) == 2
    assert len(ids(client.get(f"{URL}?updated_since=2026-03-10T03:00:00+07:00"))) == 2
    assert len(ids(client.get(URL, {"updated_since": "2026-03-10T00:00:00+07:00"}))) == 3


def test_it_reads_an_offset_beyond_what_postgresql_accepts_as_the_same_instant(api, ana):
    # Python parses offsets up to ±23:59; PostgreSQL's timestamptz input stops at ±15:59.
    client = api(ana)
    pregnancy = register(client)
    far_west = timezone(-timedelta(hours=23, minutes=59))
    far_east = timezone(timedelta(hours=23, minutes=59))
    before = (NOW - timedelta(minutes=1)).astimezone(far_west).isoformat()
    after = (NOW + timedelta(hours=1)).astimezone(far_east).isoformat()
    assert before.endswith("-23:59") and after.endswith("+23:59")

    assert ids(client.get(URL, {"updated_since": before})) == [pregnancy["id"]]
    assert ids(client.get(URL, {"updated_since": after})) == []
    reported = "2026-01-01T00:00:00-23:59"  # the request that answered 500
    assert ids(client.get(URL, {"updated_since": reported})) == [pregnancy["id"]]


def test_a_new_visit_or_outcome_counts_as_a_change_for_sync(api, ana, frozen_day):
    client = api(ana)
    pregnancy = register(client)
    frozen_day.shift(timedelta(hours=2))
    since = "2026-03-10T03:00:00+07:00"
    assert ids(client.get(URL, {"updated_since": since})) == []

    client.post(f"{URL}{pregnancy['id']}/visits/", {"date": TODAY.isoformat()}, format="json")

    assert ids(client.get(URL, {"updated_since": since})) == [pregnancy["id"]]


def test_it_searches_names_partly_and_niks_whole_or_by_prefix(api, ana):
    client = api(ana)
    siti = register(client)
    dewi = register(client, mother=mother(serial=2, full_name="Dewi Lestari"))

    assert ids(client.get(URL, {"search": "lestari"})) == [dewi["id"]]
    assert ids(client.get(URL, {"search": siti["mother"]["nik"]})) == [siti["id"]]
    assert ids(client.get(URL, {"search": "3509 2157 0895 0012"})) == [siti["id"]]
    # A prefix of at least six digits (tests/pregnancies/test_list_filters.py has more).
    assert ids(client.get(URL, {"search": siti["mother"]["nik"][:15]})) == [siti["id"]]
    assert len(ids(client.get(URL, {"search": "  "}))) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"status": "open"},
        {"risk_band": "medium"},
        {"due_after": "tomorrow"},
        {"due_before": "2026-02-30"},
        {"updated_since": "yesterday"},
        {"updated_since": "0001-01-01T00:00:00+05:00"},  # before year 1 in UTC
        {"updated_since": "9999-12-31T23:59:59-05:00"},  # after year 9999 in UTC
        {"facility": "PKM-SBS"},
        {"search": "x" * 151},
        {"page": "0"},
        {"page": "9"},
    ],
)
def test_it_answers_a_bad_filter_with_a_4xx_not_a_500(api, ana, params):
    register(api(ana))

    response = api(ana).get(URL, params)

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("size", ["many", "", "0", "501", "-1"])
def test_a_page_size_that_is_not_a_whole_number_from_1_to_500_is_refused(api, ana, size):
    register(api(ana))

    response = api(ana).get(URL, {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_it_pages_with_a_next_link(api, ana):
    register_many(api(ana), 3)

    first = api(ana).get(URL, {"page_size": 2}).json()

    assert len(first["results"]) == 2
    assert first["count"] == 3
    assert "page=2" in first["next"]
    assert len(api(ana).get(first["next"]).json()["results"]) == 1


def test_it_audits_every_pregnancy_shown_and_only_those(api, ana):
    made = register_many(api(ana), 3)
    AuditEntry.objects.all().delete()

    api(ana).get(URL, {"page_size": 2})

    entries = AuditEntry.objects.all()
    assert {(e.action, e.target, e.user_id) for e in entries} == {("list", "pregnancy", ana.pk)}
    assert {str(e.pregnancy_id) for e in entries} == {made[0]["id"], made[1]["id"]}


def test_it_runs_the_same_number_of_queries_for_2_or_30_pregnancies(
    api, ana, django_assert_num_queries
):
    client = api(ana)
    register_many(client, 2)
    # Some closed ones too: the gestational age of a closed pregnancy reads its outcome.
    closed = register(client, mother=mother(serial=900), lmp=days_ago(270).isoformat())
    client.post(
        outcome(closed["id"]), {"kind": "stillbirth", "date": TODAY.isoformat()}, format="json"
    )

    with CaptureQueriesContext(connection) as small:
        assert len(ids(client.get(URL, {"page_size": 50}))) == 3
    queries_for_3 = len(small.captured_queries)  # read now: the next request resets the log
    register_many(client, 27, start_serial=200)

    with django_assert_num_queries(queries_for_3):
        assert len(ids(client.get(URL, {"page_size": 50}))) == 30
    # the ids referred to the facility, count, page (mother and outcome joined), one
    # INSERT for the audit entries
    assert queries_for_3 == 4


def test_it_lists_with_every_filter_at_once_in_the_same_few_queries(
    api, dewi, ana, django_assert_num_queries
):
    register_many(api(ana), 5)
    params = {
        "status": "active",
        "risk_band": "low",
        "due_after": "2026-01-01",
        "due_before": "2027-01-01",
        "updated_since": "2026-03-01T00:00:00+07:00",
        "search": "ibu",
        "facility": str(ana.facility_id),
    }

    with django_assert_num_queries(3):
        assert len(ids(api(dewi).get(URL, params))) == 5


def test_the_list_answer_matches_the_create_answer(api, ana):
    created = api(ana).post(URL, body(), format="json").json()

    listed = api(ana).get(URL).json()["results"][0]

    assert listed == created
