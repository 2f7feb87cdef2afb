"""Dates and factors that contradict each other answer 400 naming the field and why,
and write nothing (docs/pregnancies.md, "Dates and factors that contradict each other")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.models import Mother, Outcome, Pregnancy
from tests.pregnancies.helpers import (
    TODAY,
    URL,
    body,
    days_ago,
    detail,
    mother,
    outcome,
    register,
)

pytestmark = pytest.mark.django_db


def test_a_miscarriage_at_34_weeks_is_refused_naming_the_kind(api, ana):
    made = register(api(ana), lmp=days_ago(34 * 7).isoformat())

    response = api(ana).post(
        outcome(made["id"]), {"kind": "miscarriage", "date": TODAY.isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert "34w0d" in response.json()["kind"][0]
    assert not Outcome.objects.exists()
    assert Pregnancy.objects.get().status == "active"


@pytest.mark.parametrize(
    ("kind", "ga_days", "status"),
    [
        ("miscarriage", 139, 201),
        ("miscarriage", 140, 400),
        ("abortion", 139, 201),
        ("abortion", 140, 400),
        ("stillbirth", 139, 400),
        ("stillbirth", 140, 201),
        ("live_birth", 139, 400),
        ("live_birth", 140, 201),
    ],
)
def test_each_outcome_kind_at_19w6d_and_20w0d(api, ana, kind, ga_days, status):
    made = register(api(ana), lmp=days_ago(ga_days).isoformat())

    response = api(ana).post(
        outcome(made["id"]), {"kind": kind, "date": TODAY.isoformat()}, format="json"
    )

    assert response.status_code == status, response.content


@pytest.mark.parametrize("offset", [1, 30])
def test_an_outcome_in_the_future_is_refused(api, ana, offset):
    made = register(api(ana), lmp=days_ago(270).isoformat())
    later = (TODAY + timedelta(days=offset)).isoformat()

    response = api(ana).post(
        outcome(made["id"]), {"kind": "live_birth", "date": later}, format="json"
    )

    assert response.status_code == 400
    assert "future" in response.json()["date"][0]


def test_an_outcome_before_the_pregnancy_began_is_refused(api, ana):
    made = register(api(ana), lmp=days_ago(100).isoformat())

    response = api(ana).post(
        outcome(made["id"]),
        {"kind": "miscarriage", "date": days_ago(101).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "date" in response.json()


def first_pregnancy_ended(api, ana, *, ended_days_ago: int) -> dict:
    first = register(api(ana), lmp=days_ago(270).isoformat())
    response = api(ana).post(
        outcome(first["id"]),
        {"kind": "live_birth", "date": days_ago(ended_days_ago).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return first


def test_a_new_pregnancy_that_begins_before_the_previous_outcome_is_refused(api, ana):
    first_pregnancy_ended(api, ana, ended_days_ago=10)
    again = body(mother=mother(phone="+6289999999999"), gravida=3, para=2)  # LMP 70 days ago

    response = api(ana).post(URL, again, format="json")

    assert response.status_code == 400
    assert "previous pregnancy" in response.json()["lmp"][0]
    assert Pregnancy.objects.count() == 1
    assert Mother.objects.get().phone == "+6281234567890"  # the upsert rolled back too


def test_a_new_pregnancy_after_the_previous_outcome_is_accepted(api, ana):
    first_pregnancy_ended(api, ana, ended_days_ago=80)

    response = api(ana).post(URL, body(gravida=3, para=2), format="json")

    assert response.status_code == 201, response.content


def test_an_edd_moved_so_the_pregnancy_begins_before_the_previous_outcome_is_refused(api, ana):
    first_pregnancy_ended(api, ana, ended_days_ago=80)
    second = register(api(ana), gravida=3, para=2)

    earlier_edd = (date.fromisoformat(second["edd"]) - timedelta(days=20)).isoformat()
    response = api(ana).patch(detail(second["id"]), {"edd": earlier_edd}, format="json")

    assert response.status_code == 400
    assert "previous pregnancy" in response.json()["edd"][0]


def test_an_lmp_moved_before_the_previous_outcome_is_refused_though_the_edd_stays(api, ana):
    # LMPs 2025-05-22 and 2025-05-24 both give 28 February 2026 (29 and 31 May + 9
    # months): the pregnancy's start moves, its EDD does not.
    first = register(api(ana), lmp=days_ago(300).isoformat())
    ended = {"kind": "miscarriage", "date": "2025-05-22"}
    assert api(ana).post(outcome(first["id"]), ended, format="json").status_code == 201
    second = register(api(ana), lmp="2025-05-24", gravida=3, para=1, abortus=1)
    assert second["edd"] == "2026-02-28"

    response = api(ana).patch(detail(second["id"]), {"lmp": "2025-05-22"}, format="json")

    assert response.status_code == 400
    assert "previous pregnancy" in response.json()["lmp"][0]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"gravida": 2, "para": 1}, "too_young"),
        ({"gravida": 2, "para": 1}, "late_first_pregnancy"),
        ({"gravida": 1, "para": 0}, "previous_caesarean"),
        ({"gravida": 2, "para": 1}, "age_35_plus"),  # she is 30
        ({"gravida": 2, "para": 1}, "many_children"),
        ({"gravida": 2, "para": 1, "height_cm": 150}, "short_stature"),
        ({"gravida": 2, "para": 1}, "post_term"),
    ],
)
def test_a_risk_factor_the_mothers_data_contradicts_is_refused_with_the_reason(
    api, ana, fields, code
):
    response = api(ana).post(URL, body(risk_factors=[code], **fields), format="json")

    assert response.status_code == 400
    [message] = response.json()["risk_factors"]
    assert code in message
    assert not Pregnancy.objects.exists()


def test_derived_factors_echoed_back_are_accepted_where_the_data_bears_them_out(api, ana, citra):
    made = register(api(ana), height_cm=144, risk_factors=["twins"])

    echoed = api(citra).patch(
        detail(made["id"]), {"risk_factors": made["risk_factors"]}, format="json"
    )

    assert echoed.status_code == 200
    assert echoed.json()["risk_factors"] == ["short_stature", "twins"]


def test_a_patch_with_a_contradicted_factor_changes_nothing(api, ana):
    made = register(api(ana))

    response = api(ana).patch(
        detail(made["id"]), {"risk_factors": ["too_young", "twins"]}, format="json"
    )

    assert response.status_code == 400
    assert "too_young" in response.json()["risk_factors"][0]
    assert Pregnancy.objects.get().given_risk_factors == []


def test_another_facilitys_outcome_neither_refuses_nor_reveals_anything(api, ana, bayu):
    first_pregnancy_ended(api, ana, ended_days_ago=10)

    # Bayu registers the same NIK; Ana's outcome 10 days ago is not his to use.
    response = api(bayu).post(URL, body(gravida=3, para=2), format="json")

    assert response.status_code == 201, response.content
