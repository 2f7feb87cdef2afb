"""/api/v1/alert-rules/: the milestones of docs/domain.md, which an admin may edit."""

from __future__ import annotations

import pytest

from notifications.models import AlertRule

RULES = "/api/v1/alert-rules/"
ALL = ["low", "high", "very_high"]
HIGH = ["high", "very_high"]

# docs/domain.md, "Alerts to doctors": milestone, days relative to the EDD, bands, urgent.
DEFAULTS = [
    ("edd_minus_56", -56, HIGH, False),
    ("edd_minus_28", -28, ALL, False),
    ("edd_minus_14", -14, ALL, False),
    ("edd_minus_7", -7, ALL, False),
    ("edd", 0, ALL, False),
    ("post_term_7", 7, ALL, False),
    ("post_term_14", 14, ALL, True),
]

pytestmark = pytest.mark.django_db


def rule_url(milestone: str) -> str:
    return f"{RULES}{AlertRule.objects.get(milestone=milestone).id}/"


def test_the_seven_defaults_exist_after_migrating(db):
    rules = [(r.milestone, r.offset_days, r.bands, r.urgent) for r in AlertRule.objects.all()]

    assert rules == DEFAULTS
    assert all(AlertRule.objects.values_list("active", flat=True))


def test_an_admin_lists_the_rules_in_order_of_their_day(api, adi):
    response = api(adi).get(RULES)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["milestone"], r["offset_days"], r["bands"], r["urgent"]) for r in results] == (
        DEFAULTS
    )
    assert set(results[0]) == {"id", "milestone", "offset_days", "bands", "urgent", "active"}


def test_an_admin_disables_a_rule(api, adi):
    response = api(adi).patch(rule_url("edd_minus_56"), {"active": False}, format="json")

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert AlertRule.objects.get(milestone="edd_minus_56").active is False


def test_an_admin_changes_the_bands_and_they_are_stored_in_band_order(api, adi):
    response = api(adi).patch(
        rule_url("edd_minus_7"), {"bands": ["very_high", "high", "very_high"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["bands"] == HIGH
    assert AlertRule.objects.get(milestone="edd_minus_7").bands == HIGH


def test_an_admin_moves_a_rule_and_makes_it_urgent(api, adi):
    response = api(adi).patch(
        rule_url("post_term_7"), {"offset_days": 10, "urgent": True}, format="json"
    )

    assert response.status_code == 200
    rule = AlertRule.objects.get(milestone="post_term_7")
    assert (rule.offset_days, rule.urgent) == (10, True)


def test_an_admin_may_send_a_rules_own_day_and_name_back_unchanged(api, adi):
    # An edit form sends every field back.
    body = {"milestone": "edd_minus_7", "offset_days": -7, "bands": ALL, "active": False}

    response = api(adi).patch(rule_url("edd_minus_7"), body, format="json")

    assert response.status_code == 200
    assert AlertRule.objects.get(milestone="edd_minus_7").active is False


def test_an_admin_adds_a_rule(api, adi):
    body = {"milestone": "edd_minus_42", "offset_days": -42, "bands": ["very_high"]}

    response = api(adi).post(RULES, body, format="json")

    assert response.status_code == 201
    rule = AlertRule.objects.get(milestone="edd_minus_42")
    assert (rule.offset_days, rule.bands, rule.urgent, rule.active) == (
        -42,
        ["very_high"],
        False,
        True,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bands": ["medium"]}, "bands"),
        ({"bands": ["high", "extreme"]}, "bands"),
        ({"bands": []}, "bands"),
        ({"bands": "high"}, "bands"),
        ({"offset_days": 29}, "offset_days"),
        ({"offset_days": -281}, "offset_days"),
        # Another rule's day: the unique offset must be a 400, not an IntegrityError.
        ({"offset_days": -28}, "offset_days"),
        # Alerts already sent carry the name; a new name would alert everyone again.
        ({"milestone": "seminggu_lagi"}, "milestone"),
    ],
)
def test_it_rejects_a_bad_change_naming_the_field(api, adi, change, field):
    before = list(AlertRule.objects.values())

    response = api(adi).patch(rule_url("edd_minus_7"), change, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert list(AlertRule.objects.values()) == before


def test_it_rejects_a_new_rule_on_a_day_another_rule_has(api, adi):
    body = {"milestone": "edd_minus_7_bis", "offset_days": -7, "bands": ALL}

    response = api(adi).post(RULES, body, format="json")

    assert response.status_code == 400
    assert "offset_days" in response.json()


def test_it_rejects_a_new_rule_with_a_milestone_that_exists(api, adi):
    body = {"milestone": "edd", "offset_days": 1, "bands": ALL}

    response = api(adi).post(RULES, body, format="json")

    assert response.status_code == 400
    assert "milestone" in response.json()


# The defaults are "ours to edit" (docs/domain.md); the endpoint is admin-only for now.
@pytest.mark.parametrize("who", ["ana", "citra", "dewi"])
def test_it_answers_403_to_anyone_but_an_admin(api, request, who):
    client = api(request.getfixturevalue(who))

    assert client.get(RULES).status_code == 403
    assert client.patch(rule_url("edd"), {"active": False}, format="json").status_code == 403
    assert AlertRule.objects.get(milestone="edd").active is True


def test_it_answers_401_to_an_anonymous_caller(api):
    assert api().get(RULES).status_code == 401
