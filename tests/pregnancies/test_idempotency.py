"""Offline retries: a client-made id makes POST /api/v1/pregnancies/ idempotent."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from pregnancies.errors import RACED
from pregnancies.models import AuditEntry, Mother, Person, Pregnancy
from pregnancies.services import registration
from pregnancies.services.mothers import MotherRecord
from tests.pregnancies.helpers import URL, body, days_ago, detail, mother, outcome, register


def counts():
    return Pregnancy.objects.count(), Mother.objects.count()


def test_the_same_id_and_content_answers_200_with_the_same_body(api, ana):
    data = body(id=str(uuid.uuid4()))
    first = api(ana).post(URL, data, format="json")

    again = api(ana).post(URL, data, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert counts() == (1, 1)
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["create", "read"]


def test_a_retry_spelled_differently_is_still_the_same_request(api, ana):
    pregnancy_id = str(uuid.uuid4())
    data = body(id=pregnancy_id, risk_factors=["twins", "anaemia"])
    first = api(ana).post(URL, data, format="json").json()

    respelled = dict(reversed(list(body().items())))
    respelled.update(id=pregnancy_id.upper(), risk_factors=["anaemia", "twins", "twins"])
    respelled["mother"] = {**mother(), "nik": "3509 2157 0895 0012"}
    del respelled["edd"]  # omitted rather than null
    again = api(ana).post(URL, respelled, format="json")

    assert again.status_code == 200
    assert again.json() == first


def test_the_same_id_with_other_content_is_a_conflict(api, ana):
    pregnancy_id = str(uuid.uuid4())
    api(ana).post(URL, body(id=pregnancy_id), format="json")
    before = list(Pregnancy.objects.values())

    response = api(ana).post(URL, body(id=pregnancy_id, gravida=3), format="json")

    assert response.status_code == 409
    assert list(response.json()) == ["detail"]
    assert list(Pregnancy.objects.values()) == before


def test_an_id_taken_in_another_facility_is_a_conflict_that_reveals_nothing(api, ana, bayu):
    data = body(id=str(uuid.uuid4()))
    api(ana).post(URL, data, format="json")

    response = api(bayu).post(URL, data, format="json")

    assert response.status_code == 409
    assert list(response.json()) == ["detail"]
    assert "pregnancy" not in response.json()


def test_a_retry_days_later_still_gets_its_pregnancy(api, ana, frozen_day):
    # Sent offline at 44 weeks minus one day; the phone reconnects two days later,
    # when the same LMP would no longer be plausible for a new registration.
    data = body(id=str(uuid.uuid4()), lmp=days_ago(307).isoformat())
    first = api(ana).post(URL, data, format="json")
    frozen_day.shift(timedelta(days=2))

    again = api(ana).post(URL, data, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert counts() == (1, 1)


def test_a_retry_after_a_correction_answers_the_pregnancy_as_it_is_now(api, ana):
    data = body(id=str(uuid.uuid4()))
    api(ana).post(URL, data, format="json")
    api(ana).patch(detail(data["id"]), {"height_cm": 140}, format="json")

    again = api(ana).post(URL, data, format="json")

    assert again.status_code == 200
    assert "short_stature" in again.json()["risk_factors"]


def test_a_retry_of_a_pregnancy_that_has_since_closed_is_still_200(api, ana):
    data = body(id=str(uuid.uuid4()), lmp=days_ago(270).isoformat())
    api(ana).post(URL, data, format="json")
    api(ana).post(
        outcome(data["id"]), {"kind": "live_birth", "date": days_ago(1).isoformat()}, format="json"
    )

    again = api(ana).post(URL, data, format="json")

    assert again.status_code == 200
    assert again.json()["status"] == "delivered"


def test_without_an_id_a_resent_registration_meets_the_active_pregnancy(api, ana):
    first = register(api(ana))

    again = api(ana).post(URL, body(), format="json")

    assert again.status_code == 409
    assert again.json()["pregnancy"] == first["id"]


# ---- racing requests, on real PostgreSQL transactions ------------------------------------


def race(user, bodies, *, both_past_the_first_check: bool):
    """POST each body from its own thread and connection at the same instant.

    With ``both_past_the_first_check`` the threads also meet right after the id lookup,
    so both are sure to be inside the insert path together (the losing one then hits
    the unique index and must re-read rather than fail).
    """
    start = threading.Barrier(len(bodies), timeout=15)
    checked = threading.Barrier(len(bodies), timeout=15)
    local = threading.local()
    real_retried = registration._retried
    answers: list = [None] * len(bodies)
    errors: list = []

    def synced_retried(*args, **kwargs):
        found = real_retried(*args, **kwargs)
        if both_past_the_first_check and not getattr(local, "met", False):
            local.met = True
            checked.wait()
        return found

    def worker(index: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user)
            start.wait()
            answers[index] = client.post(URL, bodies[index], format="json")
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(registration, "_retried", synced_retried):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("both_past_the_first_check", [False, True])
def test_two_identical_creates_racing_make_one_pregnancy(ana, both_past_the_first_check):
    data = body(id=str(uuid.uuid4()))

    answers = race(ana, [data, data], both_past_the_first_check=both_past_the_first_check)

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["id"] == data["id"]
    assert counts() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_identical_creates_racing_for_a_known_mother_make_one_pregnancy(ana, api):
    first = register(api(ana), lmp=days_ago(270).isoformat())
    api(ana).post(
        outcome(first["id"]),
        {"kind": "live_birth", "date": days_ago(30).isoformat()},
        format="json",
    )
    data = body(id=str(uuid.uuid4()), gravida=3, para=2, lmp=days_ago(20).isoformat())

    answers = race(ana, [data, data], both_past_the_first_check=True)

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert counts() == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_racing_creates_with_one_id_and_different_content_make_one_and_a_conflict(ana):
    pregnancy_id = str(uuid.uuid4())

    answers = race(
        ana,
        [body(id=pregnancy_id), body(id=pregnancy_id, gravida=4)],
        both_past_the_first_check=True,
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    assert counts() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_racing_registrations_of_one_mother_leave_one_active_pregnancy(ana):
    answers = race(
        ana,
        [body(id=str(uuid.uuid4())), body(id=str(uuid.uuid4()))],
        both_past_the_first_check=True,
    )

    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409]
    winner = next(a for a in answers if a.status_code == 201).json()
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["pregnancy"] == winner["id"]
    assert counts() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_racing_new_pregnancies_of_a_known_mother_meet_the_unique_index(ana, api):
    first = register(api(ana), lmp=days_ago(270).isoformat())
    api(ana).post(
        outcome(first["id"]),
        {"kind": "live_birth", "date": days_ago(30).isoformat()},
        format="json",
    )
    again = {"gravida": 3, "para": 2, "lmp": days_ago(20).isoformat()}

    answers = race(
        ana,
        [body(id=str(uuid.uuid4()), **again), body(id=str(uuid.uuid4()), **again)],
        both_past_the_first_check=True,
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    winner = next(a for a in answers if a.status_code == 201).json()
    assert next(a for a in answers if a.status_code == 409).json()["pregnancy"] == winner["id"]
    assert Pregnancy.objects.filter(status="active").count() == 1


# ---- a unique violation that no re-read explains ----------------------------------------


def test_a_unique_violation_no_re_read_explains_is_a_409_that_logs_no_nik(
    api, ana, caplog, monkeypatch
):
    data = body()
    nik = data["mother"]["nik"]
    # The mother is known (no active pregnancy), but this request's upsert inserts her
    # again, as one that lost a race and read nothing back would: PostgreSQL refuses it
    # with "DETAIL: Key (nik)=(...) already exists".
    person = Person.objects.create(nik=nik)
    Mother.objects.create(
        person=person, facility=ana.facility, full_name="Siti", date_of_birth=date(1995, 8, 17)
    )

    def insert_again(values, *, given, facility_id, by):
        fields = {k: v for k, v in values.items() if k != "nik"}
        mother = Mother.objects.create(person=person, facility_id=facility_id, **fields)
        return MotherRecord(mother, new=True, new_person=False)

    monkeypatch.setattr(registration, "mother_record_upsert", insert_again)
    client = api(ana)
    client.raise_request_exception = False

    response = client.post(URL, data, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": RACED}
    assert counts() == (0, 1)
    assert nik not in caplog.text
    assert [r.levelname for r in caplog.records if r.name == registration.__name__] == ["WARNING"]
