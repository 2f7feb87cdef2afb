"""What the registry's requests write to the outbox, in their own transaction, and
what they never do: call SATUSEHAT, wait for it, or fail because of it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jsc.people.models import Facility, User
from satusehat.models import OutboxRow, RowState, WaitingFor
from satusehat.services import outbox_muted
from tests.fakes.fake_satusehat import server_error
from tests.pregnancies.helpers import body, days_ago, detail, mother
from tests.satusehat.helpers import URL, record_outcome, register, rows, visit
from tests.support import closed_port

pytestmark = pytest.mark.django_db


def test_without_satusehat_env_nothing_is_queued(api, ana, settings, fake):
    settings.SATUSEHAT_ENV = ""
    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, hemoglobin=9.5)
    api(ana).patch(detail(pregnancy), {"height_cm": 152}, format="json")
    record_outcome(api, ana, pregnancy, kind="miscarriage")

    assert OutboxRow.objects.count() == 0
    assert fake.calls == [] and fake.token_requests == 0


def test_a_registration_owes_the_patient_lookup_then_the_episode(api, ana, satusehat):
    pregnancy = register(api, ana)

    made = rows(pregnancy)
    assert set(made) == {f"patient:{pregnancy}", f"episode:{pregnancy}"}
    patient, episode = made[f"patient:{pregnancy}"], made[f"episode:{pregnancy}"]
    assert (patient.state, patient.resource_type, patient.rank) == ("pending", "Patient", 0)
    assert (episode.state, episode.waiting_for) == (RowState.WAITING, WaitingFor.PARENT)
    assert episode.depends_on == patient
    assert patient.facility_id == episode.facility_id == ana.facility_id


def test_a_refused_registration_leaves_no_row(api, ana, satusehat):
    bad = body(mother=mother(serial=5), gravida=1, para=3)  # para above gravida: 400

    assert api(ana).post(URL, bad, format="json").status_code == 400
    assert OutboxRow.objects.count() == 0


def test_a_visit_owes_its_encounter_measurements_findings_and_once_the_obstetric_status(
    api, ana, satusehat
):
    pregnancy = register(api, ana)
    first = visit(api, ana, pregnancy, days_ago(7), hemoglobin=9.8, weight_kg=57)
    second = visit(
        api, ana, pregnancy, systolic=150, diastolic=95, danger_signs=["vaginal_bleeding"]
    )

    keys = set(rows(pregnancy))
    assert {
        f"encounter:{first}",
        f"observation:{first}:hemoglobin",
        f"observation:{first}:weight",
        f"observation:{first}:gestational_age",
        f"condition:{first}:anaemia",  # Hb under 11
        f"encounter:{second}",
        f"observation:{second}:systolic",
        f"observation:{second}:diastolic",
        f"observation:{second}:gestational_age",
        f"condition:{second}:antepartum_bleeding",
    } <= keys
    obstetric = {k for k in keys if k.startswith(f"observation:{pregnancy}:")}
    assert obstetric == {
        f"observation:{pregnancy}:{item}" for item in ("gravida", "para", "abortus", "lmp", "edd")
    }
    encounter = OutboxRow.objects.get(key=f"encounter:{first}")
    assert {r.depends_on_id for r in OutboxRow.objects.filter(key__in=obstetric)} == {encounter.pk}
    # Patient and episode, the obstetric status, and each visit's five.
    assert len(keys) == 2 + 5 + 5 + 5


def test_the_midwifes_requests_make_no_call_to_satusehat_even_while_it_is_down(
    api, ana, satusehat, django_capture_on_commit_callbacks
):
    satusehat.fail_all(server_error(503))

    with django_capture_on_commit_callbacks(execute=True):
        pregnancy = register(api, ana)
        visit(api, ana, pregnancy, systolic=165, diastolic=112, danger_signs=["severe_headache"])
        patch = api(ana).patch(detail(pregnancy), {"gravida": 3}, format="json")
        record_outcome(api, ana, pregnancy, kind="miscarriage", date=days_ago(0).isoformat())

    assert patch.status_code == 200
    # Everything owed is written down; nothing left the service for SATUSEHAT.
    assert OutboxRow.objects.filter(pregnancy_id=pregnancy).count() > 10
    assert satusehat.calls == [] and satusehat.token_requests == 0


def test_the_midwifes_requests_succeed_with_satusehat_unreachable(api, ana, satusehat, settings):
    gone = f"http://127.0.0.1:{closed_port()}"
    settings.SATUSEHAT_AUTH_URL = f"{gone}/oauth2/v1"
    settings.SATUSEHAT_FHIR_URL = f"{gone}/fhir-r4/v1"

    pregnancy = register(api, ana)
    visit(api, ana, pregnancy, weight_kg=50)
    record_outcome(api, ana, pregnancy, kind="miscarriage", date=days_ago(0).isoformat())

    assert OutboxRow.objects.filter(pregnancy_id=pregnancy, state=RowState.PENDING).exists()


def test_what_is_recorded_inside_outbox_muted_is_owed_to_nobody(api, ana, satusehat):
    with outbox_muted():
        pregnancy = register(api, ana)
        visit(api, ana, pregnancy, weight_kg=50)

    assert OutboxRow.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_demo_seed_queues_none_of_its_mothers_and_gives_the_demo_satusehat_ids(satusehat):
    call_command("seed_demo", stdout=open("/dev/null", "w"))

    assert OutboxRow.objects.count() == 0
    sumbersari = Facility.objects.get(name="Puskesmas Sumbersari")
    assert sumbersari.satusehat_organization_id.isdigit() and sumbersari.satusehat_location_id
    midwife = User.objects.get(username="bidan.sumbersari")
    assert midwife.satusehat_practitioner_id.startswith("N")
