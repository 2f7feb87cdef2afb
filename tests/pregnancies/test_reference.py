"""GET /api/v1/reference/: the apps' pick lists, from the tables the rules use."""

from __future__ import annotations

import pytest

from notifications.models import AckAction, AlertRule
from pregnancies.models import OutcomeKind
from pregnancies.rules import kspr
from pregnancies.rules.anc import DANGER_SIGNS

pytestmark = pytest.mark.django_db

URL = "/api/v1/reference/"


def test_it_lists_every_code_with_both_labels(api, ana):
    response = api(ana).get(URL)

    assert response.status_code == 200
    data = response.json()
    assert [f["code"] for f in data["risk_factors"]] == [f.code for f in kspr.FACTORS]
    assert [s["code"] for s in data["danger_signs"]] == [s.code for s in DANGER_SIGNS]
    assert {k["code"] for k in data["outcome_kinds"]} == set(OutcomeKind.values)
    assert {a["code"] for a in data["acknowledge_actions"]} == set(AckAction.values)
    for group in data.values():
        for item in group:
            assert item["label"]["id"] and item["label"]["en"]


def test_risk_factors_carry_points_and_whether_they_are_derived(api, citra):
    data = api(citra).get(URL).json()

    caesarean = next(f for f in data["risk_factors"] if f["code"] == "previous_caesarean")
    assert caesarean == {
        "code": "previous_caesarean",
        "points": 8,
        "derived": False,
        "label": {"id": "Pernah operasi sesar", "en": "Earlier caesarean section"},
    }
    assert {f["code"] for f in data["risk_factors"] if f["derived"]} == kspr.DERIVED_CODES


def test_milestones_follow_the_alert_rules_as_edited(api, adi, dewi):
    AlertRule.objects.filter(milestone="edd_minus_56").update(offset_days=-63)

    milestones = {m["code"]: m for m in api(dewi).get(URL).json()["milestones"]}

    assert milestones["edd_minus_56"]["offset_days"] == -63
    assert milestones["edd_minus_56"]["label"]["en"] == "9 weeks before the due date"
    assert milestones["edd"]["label"]["id"] == "Hari perkiraan lahir (HPL)"
    assert milestones["danger_sign"]["urgent"] is True
    assert set(milestones) == {
        *AlertRule.objects.values_list("milestone", flat=True),
        "danger_sign",
    }


def test_it_needs_a_signed_in_user(api):
    assert api().get(URL).status_code == 401
