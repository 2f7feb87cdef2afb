"""The issue's "done when", on the demo `make run` seeds: a midwife notifies the death of
a mother 10 days after birth, the health officer's demo phone is owed the push, the case
goes through verbal autopsy and review to a recommendation, the review file names
nobody, and the deaths page's figures show the case with its delays and last month's
missing zero reports."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deaths.demo import DEMO_DEVICE, WALKTHROUGH
from jsc.people.models import User
from notifications.dispatch import plan_deliveries
from notifications.models import Delivery
from pregnancies.models import Mother
from tests.deaths.helpers import TODAY, autopsy, case_url, review
from tests.support import BASE_DIR

pytestmark = pytest.mark.django_db


def test_the_walkthrough_on_the_demo(api):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # The README's walkthrough names the demo pregnancy by its fixed id.
    assert str(WALKTHROUGH) in (BASE_DIR / "README.md").read_text()
    midwife = User.objects.get(username="bidan.sumbersari")
    office = User.objects.get(username="dinkes")

    notified = api(midwife).post(
        "/api/v1/deaths/",
        {
            "kind": "maternal",
            "pregnancy": str(WALKTHROUGH),
            "died_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "place": "home",
        },
        format="json",
    )
    assert notified.status_code == 201, notified.content
    case = notified.json()
    assert case["days_after_end"] == 10
    plan_deliveries(now=timezone.now())
    assert Delivery.objects.filter(
        alert__death_id=case["id"], device__token=DEMO_DEVICE, urgent=True
    ).exists()

    assert (
        api(midwife)
        .post(case_url(case["id"], "verbal-autopsy/"), autopsy(), format="json")
        .status_code
        == 200
    )
    api(office).post(case_url(case["id"], "screening/"), {"is_maternal": True}, format="json")
    reviewed = api(office).post(case_url(case["id"], "review/"), review(), format="json")
    assert reviewed.status_code == 200
    assert len(reviewed.json()["recommendations"]) == 1

    file = json.dumps(api(office).get(case_url(case["id"], "review-file/")).json())
    mother = Mother.objects.get(pregnancies__id=WALKTHROUGH)
    for personal in (mother.full_name, mother.person.nik, mother.phone, mother.address):
        assert personal.lower() not in file.lower()

    page = api(office).get("/api/v1/dashboard/deaths/", {"year": TODAY.year}).json()
    [row] = [c for c in page["cases"] if c["id"] == case["id"]]
    assert row["delays"] == {"deciding": True, "reaching": True, "receiving": False}
    last_month = f"{(TODAY.replace(day=1) - timedelta(days=1)):%Y-%m}"
    missing = {
        m["facility"]["code"] for m in page["missing_zero_reports"] if m["month"] == last_month
    }
    assert "PKM-01" in missing and "PKM-02" not in missing  # the even ones reported "none"
    assert (office.full_name not in file) and (midwife.full_name not in file)
