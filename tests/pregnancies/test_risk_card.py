"""The card follows the pregnancy: what a visit finds enters the KSPR factors and stays;
only a person's correction removes one; GET /pregnancies/{id}/risk-history/ shows each
change with its source; a band that rises re-plans the alerts at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notifications.models import Alert
from pregnancies.models import RiskChange
from tests.pregnancies.helpers import days_ago, detail, register, visits

pytestmark = pytest.mark.django_db


def history(pregnancy_id) -> str:
    return f"{detail(pregnancy_id)}risk-history/"


@pytest.fixture
def pregnancy(api, ana):
    # G2 P1, 150 cm, 30 years old: score 2, low. 21w3d today.
    return register(api(ana), lmp=days_ago(150).isoformat())


def visit(client, pregnancy, **fields):
    fields.setdefault("date", days_ago(0).isoformat())
    response = client.post(visits(pregnancy["id"]), fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_what_a_visit_finds_enters_the_score_and_band(api, ana, pregnancy):
    visit(
        api(ana),
        pregnancy,
        systolic=165,
        diastolic=112,
        danger_signs=["severe_headache", "blurred_vision"],
    )

    data = api(ana).get(detail(pregnancy["id"])).json()
    assert data["risk_factors"] == ["severe_preeclampsia"]
    assert (data["kspr_score"], data["risk_band"]) == (10, "high")


def test_a_later_normal_visit_never_lowers_the_score(api, ana, pregnancy):
    visit(api(ana), pregnancy, date=days_ago(7).isoformat(), hemoglobin=9.5)
    visit(api(ana), pregnancy, hemoglobin=12.5, systolic=110, diastolic=70)

    data = api(ana).get(detail(pregnancy["id"])).json()
    assert data["risk_factors"] == ["anaemia"]
    assert data["kspr_score"] == 6


def test_only_a_persons_correction_removes_a_found_factor(api, ana, citra, pregnancy):
    found = visit(api(ana), pregnancy, danger_signs=["vaginal_bleeding"])

    response = api(citra).patch(detail(pregnancy["id"]), {"risk_factors": []}, format="json")

    assert response.status_code == 200
    assert (response.json()["risk_factors"], response.json()["kspr_score"]) == ([], 2)
    rows = api(ana).get(history(pregnancy["id"])).json()["results"]
    assert [(r["factor"], r["change"], r["source"], r["visit"], r["by"]) for r in rows] == [
        ("antepartum_bleeding", "added", "visit", found["id"], str(ana.id)),
        ("antepartum_bleeding", "removed", "edit", None, str(citra.id)),
    ]
    assert [(r["points"], r["kspr_score"], r["risk_band"]) for r in rows] == [
        (8, 10, "high"),
        (8, 2, "low"),
    ]


def test_the_history_starts_with_the_registrations_factors(api, ana):
    made = register(api(ana), risk_factors=["previous_caesarean"], height_cm=144)

    rows = api(ana).get(history(made["id"])).json()["results"]

    assert [(r["factor"], r["change"], r["source"]) for r in rows] == [
        ("short_stature", "added", "registration"),
        ("previous_caesarean", "added", "registration"),
    ]
    assert {r["kspr_score"] for r in rows} == {14}
    assert rows[0]["at"] is not None


def test_a_retried_visit_adds_nothing_twice(api, ana, pregnancy):
    body = {"id": "0b7f0c3e-9a57-4a0e-b9d4-2f6b0d6f7a11", "date": days_ago(0).isoformat()}
    body["hemoglobin"] = 9
    api(ana).post(visits(pregnancy["id"]), body, format="json")
    api(ana).post(visits(pregnancy["id"]), body, format="json")

    assert RiskChange.objects.filter(factor="anaemia").count() == 1


def test_another_facility_gets_404_for_the_history(api, bayu, pregnancy):
    assert api(bayu).get(history(pregnancy["id"])).status_code == 404


def test_the_health_office_reads_the_history_and_the_read_is_audited(api, dewi, pregnancy):
    from pregnancies.models import AuditEntry

    assert api(dewi).get(history(pregnancy["id"])).status_code == 200
    assert AuditEntry.objects.filter(user=dewi, action="read").count() == 1


def test_a_band_that_rises_makes_the_early_referral_milestone_owed_at_once(api, ana, citra):
    # 33 weeks today, low risk: no milestone yet for a low band (the first is EDD - 28).
    made = register(api(ana), lmp=days_ago(33 * 7).isoformat())
    assert not Alert.objects.exists()

    visit(api(ana), made, danger_signs=["convulsions"], hemoglobin=9)  # +8 +4: 14, very high

    alert = Alert.objects.get(milestone="edd_minus_56")
    assert (alert.recipient_id, alert.risk_band) == (citra.id, "very_high")
    assert Alert.objects.filter(milestone="danger_sign").count() == 1


def test_the_post_term_factor_the_scan_adds_is_in_the_history(api, ana):
    from pregnancies.services import refresh_post_term
    from tests.pregnancies.helpers import TODAY

    made = register(api(ana), lmp=days_ago(300).isoformat())  # 42w6d, registered today
    assert made["risk_factors"] == ["post_term"]  # derived at registration already
    api(ana).patch(detail(made["id"]), {"lmp": days_ago(290).isoformat()}, format="json")
    assert refresh_post_term(today=TODAY + timedelta(days=4)) == 1

    rows = api(ana).get(history(made["id"])).json()["results"]
    assert [(r["factor"], r["change"], r["source"], r["by"]) for r in rows] == [
        ("post_term", "added", "registration", str(ana.id)),
        ("post_term", "removed", "edit", str(ana.id)),
        ("post_term", "added", "scan", None),
    ]
