"""`make run` pointed at the project's fake SATUSEHAT (SATUSEHAT_ENV=custom), as the
README tells a developer: a pregnancy registered on the demo and visited twice becomes,
within a minute, a Patient lookup, one EpisodeOfCare, two Encounters (K1M and K2) and
their Observations; the outcome finishes the episode; the status API shows it; none of
the demo's own mothers is sent."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import date, timedelta

import pytest
import requests
from django.utils import timezone

from tests.fakes.fake_satusehat import NIK_SYSTEM, FakeSatusehat
from tests.pregnancies.helpers import build_nik
from tests.support import closed_port, project_copy

pytestmark = pytest.mark.worker

NIK = build_nik(date(1996, 5, 20), serial=9876)


def wait_for(predicate, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what}\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


def test_make_run_sends_a_registration_two_visits_and_the_outcome_to_the_fake(tmp_path):
    project = project_copy(tmp_path)
    port = closed_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "run.log"
    with FakeSatusehat() as fake:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "JSC_ENV", "FIREBASE_CREDENTIALS"}
        }
        env.update(fake.environment(), PORT=str(port), SATUSEHAT_SEND_INTERVAL_SECONDS="5")
        run = subprocess.Popen(
            ["./bin/run-local"], cwd=project, env=env, stdout=log_path.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            _the_path(base, fake, run, log_path)
        finally:
            os.killpg(run.pid, signal.SIGINT)
            try:
                run.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                raise


def _healthy(base: str, run) -> bool:
    assert run.poll() is None, "make run stopped"
    try:
        return requests.get(f"{base}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _the_path(base: str, fake: FakeSatusehat, run, log) -> None:
    wait_for(lambda: _healthy(base, run), 180, "no healthy /healthz", log)
    session = requests.Session()
    token = session.post(
        f"{base}/api/v1/auth/token/",
        json={"username": "bidan.sumbersari", "password": "jember-demo-2026"},
        timeout=10,
    ).json()["access"]
    session.headers["Authorization"] = f"Bearer {token}"
    today = timezone.localdate()
    registration = {
        "mother": {"nik": NIK, "full_name": "Ibu Demo SATUSEHAT", "date_of_birth": "1996-05-20"},
        "lmp": (today - timedelta(days=70)).isoformat(),
        "gravida": 1,
        "para": 0,
        "abortus": 0,
    }
    made = session.post(f"{base}/api/v1/pregnancies/", json=registration, timeout=10)
    assert made.status_code == 201, made.text
    pregnancy = made.json()["id"]
    visits = [
        {"date": (today - timedelta(days=7)).isoformat(), "systolic": 110, "diastolic": 70},
        {"date": today.isoformat(), "weight_kg": 52, "fetal_heart_rate": 150},
    ]
    for visit in visits:
        answer = session.post(f"{base}/api/v1/pregnancies/{pregnancy}/visits/", json=visit)
        assert answer.status_code == 201, answer.text
    started = time.monotonic()

    def arrived() -> bool:
        encounters = fake.resources("Encounter")
        numbers = sorted(e["identifier"][1]["value"] for e in encounters)
        return numbers == ["K1M", "K2"] and len(fake.resources("Observation")) == 3 + 3 + 5

    wait_for(arrived, 60, "the pregnancy did not reach the fake within a minute", log)
    assert time.monotonic() - started < 60
    lookups = [c for c in fake.calls if c["resource_type"] == "Patient"]
    assert [c["query"]["identifier"] for c in lookups] == [f"{NIK_SYSTEM}|{NIK}"]
    (episode,) = fake.resources("EpisodeOfCare")
    assert episode["identifier"][0]["value"] == pregnancy and episode["status"] == "active"

    outcome = {"kind": "miscarriage", "date": today.isoformat()}
    answer = session.post(f"{base}/api/v1/pregnancies/{pregnancy}/outcome/", json=outcome)
    assert answer.status_code == 201, answer.text
    wait_for(
        lambda: fake.resources("EpisodeOfCare")[0]["status"] == "finished",
        60,
        "the outcome did not finish the episode",
        log,
    )

    dinkes = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": "dinkes", "password": "jember-demo-2026"},
        timeout=10,
    ).json()["access"]
    status = requests.get(
        f"{base}/api/v1/satusehat/status/", headers={"Authorization": f"Bearer {dinkes}"}
    ).json()
    assert status["enabled"] is True
    (sumbersari,) = [
        f for f in status["by_facility"] if f["facility"]["name"].endswith("Sumbersari")
    ]
    assert sumbersari["sent"] == 2 + 2 + 3 + 3 + 5 and sumbersari["pending"] == 0
    assert len(status["by_facility"]) == 1  # none of the demo's own mothers
