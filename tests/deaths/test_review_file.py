"""GET /api/v1/deaths/{id}/review-file/: the file the panel reads names nobody. A case is
built with every field filled (a registered mother with visits, a referral, an answered
alert, the steps' free text naming people and places), then the JSON is searched for
every personal string the service holds."""

from __future__ import annotations

import json
import re

import pytest

from deaths.models import DeathCase
from jsc.people.models import Facility, Role
from notifications.models import Alert
from pregnancies.models import Mother, Referral
from tests.conftest import make_user
from tests.deaths.helpers import (
    at,
    autopsy,
    case_url,
    delivered,
    notify,
    review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_case(api, places, ana, citra, dewi, patrang):
    hospital = Facility.objects.create(
        code="RSD-SBD", name="RSD dr. Soebandi", kind="hospital", district=patrang.district
    )
    make_user(
        "dr.hana", Role.DOCTOR, hospital, full_name="dr. Hana Pertiwi", phone="+6281399998888"
    )
    pregnancy = delivered(api(ana), days_ago=10)
    Referral.objects.create(
        pregnancy_id=pregnancy,
        by=citra,
        from_facility=ana.facility,
        to_facility=hospital,
        kind="rtw",
    )
    # Registered five days before her due date, she was owed edd_minus_7 at once.
    alert = Alert.objects.get(pregnancy_id=pregnancy, milestone="edd_minus_7", recipient=citra)
    alert.sent_at, alert.acknowledged_at = at(days_ago=20), at(days_ago=19)
    alert.action, alert.note, alert.acknowledged_by = "called", "Bu Siti Aminah ditelepon", citra
    alert.status = "sent"
    alert.save()
    case = notify(
        api(ana),
        {
            "kind": "maternal",
            "pregnancy": pregnancy,
            "died_at": at(hours_ago=6),
            "place": "hospital",
            "place_facility": str(hospital.pk),
            "suspected_cause_group": "grup3-icdmm",
            "notes": "Siti Aminah meninggal di RSD dr. Soebandi, suami Budi +6281234567890.",
        },
    )
    nik = DeathCase.objects.get().person.nik
    story = (
        f"Ibu Siti Aminah (NIK {nik}) dari Jl. Kalimantan 12, Tegalgede, mengalami perdarahan. "
        "Bidan Ana menelepon dr. Citra; dr. Hana Pertiwi di RSD dr. Soebandi menerima rujukan. "
        "Pak Budi, suami, menelepon 081234567890."
    )
    api(ana).post(case_url(case["id"], "verbal-autopsy/"), autopsy(story=story), format="json")
    api(ana).patch(
        case_url(case["id"], "facility-summary/"),
        {"narrative": "Ditangani Bidan Ana dan dr. Citra di Puskesmas Sumbersari."},
        format="json",
    )
    api(dewi).post(case_url(case["id"], "screening/"), {"is_maternal": True}, format="json")
    body = review(findings="Dewi (Dinkes) mencatat: Siti terlambat dirujuk oleh Bidan Ana.")
    body["recommendations"][0]["responsible"] = "dr. Citra"
    response = api(dewi).post(case_url(case["id"], "review/"), body, format="json")
    assert response.status_code == 200, response.content
    return {"case": case, "alert": alert, "hospital": hospital}


def personal_strings(ana, citra, dewi) -> list[str]:
    mother = Mother.objects.get()
    return [
        mother.full_name, "Siti", "Aminah", mother.person.nik, mother.phone, "081234567890",
        mother.address, "Kalimantan", mother.village, "Pak Budi", "Budi",
        ana.full_name, "Ana", citra.full_name, "Citra", dewi.full_name, "Dewi",
        "Hana Pertiwi", "Hana", "+6281399998888", ana.username, citra.username,
        "Puskesmas Sumbersari", "Soebandi",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "query", ["", "?names=true", "?format=json", "?anonymise=false&full=1", "?expand=person"]
)
def test_the_review_file_names_nobody_whatever_is_asked(api, full_case, ana, citra, dewi, query):
    response = api(dewi).get(case_url(full_case["case"]["id"], "review-file/") + query)

    if query not in ("", "?format=json"):
        assert response.status_code == 400  # an unknown parameter, not a way around
        return
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False).lower()
    # Short names as words ("Ana" is no leak in "penanganan"), the rest anywhere.
    found = [
        s
        for s in personal_strings(ana, citra, dewi)
        if (re.search(rf"\b{re.escape(s.lower())}\b", text) if len(s) < 5 else s.lower() in text)
    ]
    assert found == []


def test_the_file_keeps_what_the_panel_needs(api, full_case, dewi):
    data = api(dewi).get(case_url(full_case["case"]["id"], "review-file/")).json()

    assert data["case_number"] == "AMP-2026-0001"
    assert data["age"] == 30
    assert (data["gravida"], data["para"], data["abortus"]) == (3, 1, 1)
    assert data["days_after_end"] == 10
    # Letters in order of first appearance: the puskesmas's alert comes first.
    assert data["facilities"] == [
        {"facility": "Puskesmas A", "kind": "puskesmas"},
        {"facility": "RS B", "kind": "hospital"},
    ]
    whats = [e["what"] for e in data["timeline"]]
    assert set(whats[:2]) == {"alert", "outcome"}  # registered and delivered that day
    assert {"referral", "death", "notified", "verbal_autopsy", "review"} <= set(whats)
    assert [e["at"] for e in data["timeline"]] == sorted(e["at"] for e in data["timeline"])
    referral = next(e for e in data["timeline"] if e["what"] == "referral")
    assert (referral["facility"], referral["detail"]["to_facility"]) == ("Puskesmas A", "RS B")
    alert = next(e for e in data["timeline"] if e["what"] == "alert")
    assert alert["detail"]["minutes_to_acknowledge"] == 24 * 60
    story = data["verbal_autopsy"]["story"]
    assert "perdarahan" in story and "RS B" in story and "[…]" in story
    assert data["verbal_autopsy"]["delays"] == {
        "deciding": True,
        "reaching": True,
        "receiving": False,
    }
    assert data["review"]["cause_group"] == "grup3-icdmm"
    assert data["recommendations"][0]["responsible"] == "[…]"


def test_the_named_case_is_the_health_offices_and_the_notifying_facilitys(
    api, full_case, ana, bayu, dewi
):
    case_id = full_case["case"]["id"]

    assert api(dewi).get(case_url(case_id)).json()["person"]["full_name"] == "Siti Aminah"
    assert api(ana).get(case_url(case_id)).json()["person"]["full_name"] == "Siti Aminah"
    assert api(bayu).get(case_url(case_id)).status_code == 404
    assert api(ana).get(case_url(case_id, "review-file/")).status_code == 403
