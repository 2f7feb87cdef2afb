"""GET and PATCH /api/v1/pregnancies/{id}/: the object, corrections and recomputation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pregnancies.errors import RACED
from pregnancies.models import AuditEntry, EddChange, Mother, Pregnancy
from pregnancies.services import updates
from pregnancies.signals import edd_changed
from tests.conftest import make_user
from tests.pregnancies.helpers import (
    TODAY,
    body,
    build_nik,
    days_ago,
    detail,
    mother,
    outcome,
    register,
    visits,
)


@pytest.fixture
def edd_moves():
    """Every edd_changed signal sent during the test, as (pregnancy id, old EDD, new EDD)."""
    seen = []

    def listener(sender, pregnancy, old_edd, **kwargs):
        seen.append((str(pregnancy.pk), old_edd, pregnancy.edd))

    edd_changed.connect(listener)
    yield seen
    edd_changed.disconnect(listener)


def patch(client, pregnancy, data):
    return client.patch(detail(pregnancy["id"]), data, format="json")


def test_it_answers_the_pregnancy_as_registered(api, ana, citra):
    created = register(api(ana))

    response = api(citra).get(detail(created["id"]))

    assert response.status_code == 200
    assert response.json() == created


def test_it_recomputes_the_edd_when_the_lmp_is_corrected(api, ana, edd_moves):
    created = register(api(ana))
    lmp = days_ago(84)  # 2025-12-16: 23 December + 9 months (LMP + 280 days: 22 September)

    response = patch(api(ana), created, {"lmp": lmp.isoformat()})

    assert response.status_code == 200
    data = response.json()
    assert data["edd"] == "2026-09-23"
    assert data["gestational_age"] == {"weeks": 12, "days": 0}
    assert edd_moves == [(created["id"], date.fromisoformat(created["edd"]), date(2026, 9, 23))]
    # The EDD's history says who moved it, from what, to what.
    change = EddChange.objects.get(pregnancy_id=created["id"])
    assert (change.source, change.by, change.edd_source) == ("edit", ana, "lmp")
    assert (change.old_edd.isoformat(), change.new_edd) == (created["edd"], date(2026, 9, 23))


def test_an_ultrasound_edd_wins_and_null_goes_back_to_the_lmp(api, ana, edd_moves):
    created = register(api(ana))
    scan = TODAY + timedelta(days=200)

    on_scan = patch(api(ana), created, {"edd": scan.isoformat()}).json()
    assert (on_scan["edd"], on_scan["edd_source"]) == (scan.isoformat(), "ultrasound")

    # A corrected LMP does not override the scan...
    kept = patch(api(ana), created, {"lmp": days_ago(71).isoformat()}).json()
    assert (kept["edd"], kept["edd_source"]) == (scan.isoformat(), "ultrasound")

    # ...until the scan is withdrawn.
    back = patch(api(ana), created, {"edd": None}).json()
    assert back["edd_source"] == "lmp"
    assert back["edd"] == "2026-10-05"  # LMP 2025-12-29: 5 January + 9 months
    assert len(edd_moves) == 2


def test_it_sends_no_edd_signal_when_the_edd_did_not_move(api, ana, edd_moves):
    created = register(api(ana))

    patch(api(ana), created, {"gravida": 3, "lmp": created["lmp"]})

    assert edd_moves == []


def test_it_needs_an_lmp_to_drop_the_ultrasound_edd(api, ana):
    created = register(api(ana), lmp=None, edd=(TODAY + timedelta(days=100)).isoformat())

    response = patch(api(ana), created, {"edd": None})

    assert response.status_code == 400
    assert "edd" in response.json()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lmp": (TODAY + timedelta(days=1)).isoformat()}, "lmp"),
        ({"lmp": days_ago(309).isoformat()}, "lmp"),
        ({"edd": days_ago(29).isoformat()}, "edd"),
        ({"edd": (TODAY + timedelta(days=281)).isoformat()}, "edd"),
        ({"gravida": 1}, "gravida"),  # para 1 already
        ({"para": 2}, "para"),
        ({"abortus": 1}, "abortus"),
        ({"gravida": None}, "gravida"),
        ({"gravida": "three"}, "gravida"),
        ({"risk_factors": ["nope"]}, "risk_factors"),
        ({"height_cm": 10}, "height_cm"),
        ({"mother": {"nik": "123"}}, "mother"),
        ({"mother": {"date_of_birth": "1995-08-18"}}, "mother"),
        ({"mother": {"full_name": "x" * 151}}, "mother"),
        ({"mother": "Siti"}, "mother"),
    ],
)
def test_it_rejects_a_bad_correction_and_changes_nothing(api, ana, data, field):
    created = register(api(ana))
    before = Pregnancy.objects.values().get()
    before_mother = Mother.objects.values().get()

    response = patch(api(ana), created, data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Pregnancy.objects.values().get() == before
    assert Mother.objects.values().get() == before_mother
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize(
    ("data", "factor"),
    [
        ({"height_cm": 145}, "short_stature"),
        ({"gravida": 6, "para": 4}, "many_children"),
        ({"mother": {"nik": build_nik(date(1985, 1, 1), serial=12)}}, "age_35_plus"),
        ({"mother": {"date_of_birth": "1895-08-17"}}, None),  # 130 years old: refused
        ({"risk_factors": ["previous_caesarean"]}, "previous_caesarean"),
    ],
)
def test_it_recomputes_derived_factors_score_and_band(api, ana, data, factor):
    created = register(api(ana))

    response = patch(api(ana), created, data)

    if factor is None:
        assert response.status_code == 400
        return
    assert response.status_code == 200, response.content
    assert factor in response.json()["risk_factors"]
    assert response.json()["kspr_score"] > 2
    assert response.json()["risk_band"] == "high"


def test_it_drops_a_derived_factor_when_its_cause_is_corrected(api, ana):
    created = register(api(ana), height_cm=140)
    assert "short_stature" in created["risk_factors"]

    data = patch(api(ana), created, {"height_cm": 155}).json()

    assert data["risk_factors"] == []
    assert (data["kspr_score"], data["risk_band"]) == (2, "low")


def test_it_corrects_the_mothers_contact_details(api, ana):
    created = register(api(ana))

    data = patch(api(ana), created, {"mother": {"phone": "+628111", "address": ""}}).json()

    assert data["mother"]["phone"] == "+628111"
    assert data["mother"]["address"] == ""
    assert data["mother"]["full_name"] == "Siti Aminah"


def test_a_nik_correction_rederives_the_date_of_birth(api, ana):
    created = register(api(ana))
    corrected = build_nik(date(1996, 8, 17), serial=12)

    data = patch(api(ana), created, {"mother": {"nik": corrected}}).json()

    assert data["mother"]["nik"] == corrected
    assert data["mother"]["date_of_birth"] == "1996-08-17"


def test_a_nik_of_another_mother_is_refused(api, ana):
    created = register(api(ana))
    other = register(api(ana), mother=mother(serial=99))

    response = patch(api(ana), created, {"mother": {"nik": other["mother"]["nik"]}})

    assert response.status_code == 400
    assert "nik" in response.json()["mother"]


def test_it_names_and_changes_the_doctor_of_the_same_facility_only(api, ana, citra, dodi):
    created = register(api(ana))

    assert patch(api(ana), created, {"doctor": str(citra.pk)}).json()["doctor"] == str(citra.pk)
    refused = patch(api(ana), created, {"doctor": str(dodi.pk)})
    assert refused.status_code == 400
    assert "doctor" in refused.json()
    assert patch(api(ana), created, {"doctor": None}).json()["doctor"] is None


def test_a_dates_correction_may_not_leave_a_visit_before_the_pregnancy(api, ana):
    created = register(api(ana))
    api(ana).post(visits(created["id"]), {"date": days_ago(60).isoformat()}, format="json")

    response = patch(api(ana), created, {"lmp": days_ago(50).isoformat()})

    assert response.status_code == 400
    assert "visit" in response.json()["lmp"][0]


def test_after_the_outcome_only_the_mothers_name_and_contacts_change(api, ana):
    created = register(api(ana), lmp=days_ago(270).isoformat())
    api(ana).post(
        outcome(created["id"]),
        {"kind": "live_birth", "date": days_ago(2).isoformat()},
        format="json",
    )

    contact = patch(api(ana), created, {"mother": {"phone": "+62822", "village": "Antirogo"}})
    assert contact.status_code == 200
    assert contact.json()["mother"]["village"] == "Antirogo"

    # The app sending back what it was shown changes nothing and is fine.
    echo = {k: contact.json()[k] for k in ("lmp", "gravida", "para", "abortus", "height_cm")}
    assert (
        patch(api(ana), created, {**echo, "risk_factors": created["risk_factors"]}).status_code
        == 200
    )

    for data, field in [
        ({"lmp": days_ago(260).isoformat()}, "lmp"),
        ({"gravida": 3}, "gravida"),
        ({"risk_factors": ["twins"]}, "risk_factors"),
        ({"height_cm": 160}, "height_cm"),
        (
            {"mother": {"date_of_birth": "1995-08-17", "nik": build_nik(date(1996, 8, 17))}},
            "mother",
        ),
    ]:
        response = patch(api(ana), created, data)
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()


def test_an_unchanged_old_date_sent_back_is_not_checked_again(api, ana, frozen_day):
    created = register(api(ana), lmp=days_ago(300).isoformat())
    scanned = register(api(ana), mother=mother(serial=5), lmp=None, edd=days_ago(20).isoformat())
    frozen_day.shift(timedelta(days=20))  # LMP now 320 days ago, scan EDD 40 days ago

    assert patch(api(ana), created, {"lmp": created["lmp"], "para": 0}).status_code == 200
    assert patch(api(ana), scanned, {"edd": scanned["edd"]}).status_code == 200
    moved = patch(api(ana), created, {"lmp": days_ago(301).isoformat()})
    assert moved.status_code == 400
    assert "lmp" in moved.json()


def test_a_closed_pregnancy_shows_its_gestational_age_at_the_outcome(api, ana, frozen_day):
    created = register(api(ana), lmp=days_ago(273).isoformat())  # 39 weeks today
    api(ana).post(
        outcome(created["id"]), {"kind": "stillbirth", "date": TODAY.isoformat()}, format="json"
    )
    frozen_day.shift(timedelta(days=30))

    data = api(ana).get(detail(created["id"])).json()

    assert data["status"] == "delivered"
    assert data["gestational_age"] == {"weeks": 39, "days": 0}
    assert data["mother"]["age"] == 30


def test_put_is_not_offered(api, ana):
    created = register(api(ana))

    assert api(ana).put(detail(created["id"]), body(), format="json").status_code == 405


def test_an_invalid_uuid_in_the_url_is_a_404(api, ana):
    assert api(ana).get(detail("not-a-uuid")).status_code == 404
    assert api(ana).patch(detail("123"), {}, format="json").status_code == 404
    assert api(ana).get("/api/v1/pregnancies/%00/").status_code == 404


def test_a_doctor_of_the_facility_corrects_too(api, ana, sumbersari):
    other_doctor = make_user("eko", "doctor", sumbersari)
    created = register(api(ana))

    assert patch(api(other_doctor), created, {"height_cm": 151}).status_code == 200


def test_a_nik_taken_after_the_check_is_a_409_that_logs_no_nik(api, ana, caplog, monkeypatch):
    created = register(api(ana))
    other = register(api(ana), mother=mother(serial=99), lmp=days_ago(270).isoformat())
    taken = other["mother"]["nik"]
    api(ana).post(
        outcome(other["id"]),
        {"kind": "live_birth", "date": days_ago(2).isoformat(), "babies_born_alive": 1},
        format="json",
    )
    # The other mother takes the NIK between the check and the save (a race): PostgreSQL
    # refuses the save with "DETAIL: Key (person_id, facility_id)=(...) already exists".
    monkeypatch.setattr(updates, "nik_taken_at_facility", lambda nik, **kwargs: False)
    client = api(ana)
    client.raise_request_exception = False

    response = patch(client, created, {"mother": {"nik": taken}})

    assert response.status_code == 409
    assert response.json() == {"detail": RACED}
    assert Mother.objects.get(pk=created["mother"]["id"]).person.nik == created["mother"]["nik"]
    assert taken not in caplog.text
    assert [r.levelname for r in caplog.records if r.name == updates.__name__] == ["WARNING"]
