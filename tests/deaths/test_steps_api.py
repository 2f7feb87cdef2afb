"""The AMP-SR steps after notification: screening, verbal autopsy, facility summary,
review and recommendations; who may take each, and in which order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deaths.models import DeathCase
from tests.deaths.helpers import (
    TODAY,
    autopsy,
    case_url,
    delivered,
    notify,
    review,
    unregistered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(api, places, bayu) -> dict:
    return notify(api(bayu), unregistered())


def post(client, case: dict, step: str, body: dict):
    return client.post(case_url(case["id"], f"{step}/"), body, format="json")


def test_a_case_goes_from_notification_to_closed(api, case, bayu, dewi):
    office = api(dewi)

    screened = post(
        office, case, "screening", {"is_maternal": True, "answers": {"age_15_49": "yes"}}
    )
    autopsied = post(api(bayu), case, "verbal-autopsy", autopsy())
    reviewed = post(office, case, "review", review())

    assert [r.status_code for r in (screened, autopsied, reviewed)] == [200, 200, 200]
    assert screened.json()["status"] == "screened"
    assert autopsied.json()["status"] == "autopsied"
    assert autopsied.json()["review_due"].startswith("2026-07-01")  # end of Q2 (March is Q1)
    body = reviewed.json()
    assert body["status"] == "reviewed"
    assert body["review"]["cause_group"] == "grup3-icdmm"
    assert body["review"]["delays"] == {"deciding": True, "reaching": True, "receiving": False}
    [recommendation] = body["recommendations"]
    done = office.patch(
        case_url(case["id"], f"recommendations/{recommendation['id']}/"),
        {"done": True, "note": "Kelas ibu dimulai April."},
        format="json",
    )
    assert done.status_code == 200
    assert (done.json()["done"], done.json()["done_note"]) == (True, "Kelas ibu dimulai April.")
    assert office.get(case_url(case["id"])).json()["status"] == "closed"
    assert all(d["met_at"] for d in office.get(case_url(case["id"])).json()["deadlines"])


def test_a_review_before_the_verbal_autopsy_answers_409(api, case, dewi):
    response = post(api(dewi), case, "review", review())

    assert response.status_code == 409
    assert "verbal autopsy" in response.json()["detail"]


def test_the_same_review_again_answers_200_and_another_409(api, case, bayu, dewi):
    post(api(bayu), case, "verbal-autopsy", autopsy())
    first = post(api(dewi), case, "review", review())

    again = post(api(dewi), case, "review", review())
    other = post(api(dewi), case, "review", review(avoidable="no"))

    assert (first.status_code, again.status_code, other.status_code) == (200, 200, 409)
    assert len(again.json()["recommendations"]) == 1


def test_screening_not_maternal_closes_the_case_and_stops_its_steps(api, case, bayu, dewi):
    closed = post(api(dewi), case, "screening", {"is_maternal": False})

    assert closed.json()["status"] == "closed"
    assert post(api(bayu), case, "verbal-autopsy", autopsy()).status_code == 409
    assert post(api(dewi), case, "review", review()).status_code == 409
    reopened = post(api(dewi), case, "screening", {"is_maternal": True})
    assert reopened.json()["status"] == "screened"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (review(cause_group="grup10-icdmm"), "cause_group"),
        (review(avoidable="maybe"), "avoidable"),
        (review(recommendations=[{"text": "Kelas ibu", "due": "2026-05-01"}]), "recommendations"),
        (review(recommendations=[{"text": "Kelas ibu", "responsible": "PKM"}]), "recommendations"),
        (
            review(recommendations=[{"text": "x", "responsible": "PKM", "due": "2026-01-01"}]),
            "recommendations",
        ),
        (review(review_date=(TODAY + timedelta(days=1)).isoformat()), "review_date"),
    ],
)
def test_a_bad_review_answers_400_naming_the_field(api, case, bayu, dewi, body, field):
    post(api(bayu), case, "verbal-autopsy", autopsy())

    response = post(api(dewi), case, "review", body)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert DeathCase.objects.get().status == "autopsied"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (autopsy(interview_date=(TODAY + timedelta(days=1)).isoformat()), "interview_date"),
        (autopsy(interview_date="2026-01-01"), "interview_date"),  # before the death
        (autopsy(informant_relation="boss"), "informant_relation"),
        ({"interview_date": TODAY.isoformat()}, "story"),
    ],
)
def test_a_bad_verbal_autopsy_answers_400(api, case, bayu, body, field):
    response = post(api(bayu), case, "verbal-autopsy", body)

    assert response.status_code == 400
    assert field in response.json()


def test_unknown_screening_questions_answer_400(api, case, dewi):
    response = post(api(dewi), case, "screening", {"is_maternal": True, "answers": {"x": "yes"}})

    assert response.status_code == 400
    assert "answers" in response.json()


def test_who_takes_which_step(api, case, bayu, dodi, dewi, ana, adi):
    # The notifying facility (Patrang): its midwife interviews, its doctor may not.
    assert post(api(dodi), case, "verbal-autopsy", autopsy()).status_code == 403
    assert post(api(bayu), case, "screening", {"is_maternal": True}).status_code == 403
    assert post(api(bayu), case, "review", review()).status_code == 403
    assert api(bayu).get(case_url(case["id"], "review-file/")).status_code == 403
    # Another facility, and admins: as if there were no case.
    for other in (ana, adi):
        assert api(other).get(case_url(case["id"])).status_code == 404
        assert post(api(other), case, "verbal-autopsy", autopsy()).status_code == 404
        assert api(other).get(case_url(case["id"], "review-file/")).status_code == 404
    # The health office does it all.
    assert post(api(dewi), case, "verbal-autopsy", autopsy()).status_code == 200


def test_the_facility_summary_is_filled_from_the_record_and_editable(api, places, ana, dewi):
    pregnancy = delivered(api(ana), days_ago=10)
    case = notify(
        api(ana),
        {
            "kind": "maternal",
            "pregnancy": pregnancy,
            "died_at": TODAY.isoformat() + "T06:00:00+07:00",
        },
    )
    events = case["facility_summary"]["events"]
    assert [e["what"] for e in events] == ["outcome"]

    edited = api(ana).patch(
        case_url(case["id"], "facility-summary/"),
        {"narrative": "Ibu datang dengan perdarahan, dirujuk ke RS."},
        format="json",
    )

    assert edited.status_code == 200
    summary = edited.json()["facility_summary"]
    assert summary["narrative"].startswith("Ibu datang")
    assert summary["events"] == events
    assert (
        api(dewi)
        .patch(case_url(case["id"], "facility-summary/"), {"refill": True}, format="json")
        .status_code
        == 200
    )


def test_open_recommendations_past_their_date_are_listed(api, case, bayu, dewi, frozen_moment):
    post(api(bayu), case, "verbal-autopsy", autopsy())
    post(api(dewi), case, "review", review())

    assert (
        api(dewi).get("/api/v1/deaths/recommendations/", {"overdue": "true"}).json()["results"]
        == []
    )
    frozen_moment.shift(timedelta(days=31))
    overdue = api(dewi).get("/api/v1/deaths/recommendations/", {"overdue": "true"}).json()
    assert [r["case"] for r in overdue["results"]] == [case["id"]]
    assert api(bayu).get("/api/v1/deaths/recommendations/").status_code == 403


def test_a_recommendation_can_only_be_marked_done(api, case, bayu, dewi):
    post(api(bayu), case, "verbal-autopsy", autopsy())
    [rec] = post(api(dewi), case, "review", review()).json()["recommendations"]

    response = api(dewi).patch(
        case_url(case["id"], f"recommendations/{rec['id']}/"), {"done": False}, format="json"
    )

    assert response.status_code == 400
    assert "done" in response.json()


def test_the_list_shows_the_office_every_case_and_a_facility_its_own(
    api, case, ana, bayu, dewi, adi
):
    assert [c["id"] for c in api(dewi).get("/api/v1/deaths/").json()["results"]] == [case["id"]]
    assert [c["id"] for c in api(bayu).get("/api/v1/deaths/").json()["results"]] == [case["id"]]
    assert api(ana).get("/api/v1/deaths/").json()["results"] == []
    assert api(adi).get("/api/v1/deaths/").status_code == 403
    assert api(dewi).get("/api/v1/deaths/", {"year": 2025}).json()["results"] == []
    assert api(dewi).get("/api/v1/deaths/", {"district": "Sumbersari"}).json()["count"] == 1
    assert api(dewi).get("/api/v1/deaths/", {"kind": "perinatal"}).json()["count"] == 0
    assert api(dewi).get("/api/v1/deaths/", {"yaer": 2026}).status_code == 400
    assert api(dewi).get("/api/v1/deaths/", {"district": "Atlantis"}).status_code == 400
