"""The outbox through real Celery workers and Redis, never eager mode: a registration's
commit queues the send and a worker delivers it; a worker SIGKILLed while SATUSEHAT is
making its resource leaves one resource there, found again, not made twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone

from jsc.celery import app
from satusehat.models import OutboxRow, RowState
from satusehat.tasks import send_outbox
from tests.satusehat.helpers import register, visit
from tests.support import BASE_DIR

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def lmp_ten_weeks_ago() -> str:
    # These tests run on the real clock: a worker in another process cannot share a
    # frozen one.
    return (timezone.localdate() - timedelta(days=70)).isoformat()


def all_sent(pregnancy) -> bool:
    rows = OutboxRow.objects.filter(pregnancy_id=pregnancy)
    return rows.exists() and not rows.exclude(state=RowState.SENT).exists()


@pytest.fixture
def broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the worker tests need Redis"
    app.control.purge()
    yield
    app.control.purge()


def test_a_registration_reaches_satusehat_through_the_worker_its_commit_queued(
    api, ana, satusehat, with_ids, broker
):
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False):
        pregnancy = register(api, ana, lmp=lmp_ten_weeks_ago())
        visit(api, ana, pregnancy, timezone.localdate(), weight_kg=58)

        assert wait_for(lambda: all_sent(pregnancy)), list(
            OutboxRow.objects.values_list("key", "state", "waiting_for")
        )
    assert satusehat.count("POST", "Encounter") == 1


@contextmanager
def celery_worker(fake, name: str, log):
    """``celery worker`` in a process of its own, on the test database and broker, with
    SATUSEHAT pointed at the fake and a short claim lease."""
    db = connection.settings_dict
    env = {
        **os.environ,
        **fake.environment(),
        "JSC_ENV": "test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "SATUSEHAT_CLAIM_LEASE_SECONDS": "3",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jsc", "worker", "--pool", "solo",
         "--hostname", f"{name}@%h", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--loglevel", "INFO"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_worker_killed_while_satusehat_makes_the_encounter_leaves_one_encounter(
    api, ana, satusehat, with_ids, broker, tmp_path
):
    answered = satusehat.hold("POST", "Encounter")
    pregnancy = register(api, ana, lmp=lmp_ten_weeks_ago())
    made = visit(api, ana, pregnancy, timezone.localdate(), systolic=110, diastolic=70)
    log = (tmp_path / "workers.log").open("w+")

    with celery_worker(satusehat, "first", log) as first:
        assert satusehat.held.wait(timeout=90), (tmp_path / "workers.log").read_text()[-3000:]
        # SATUSEHAT has made the encounter; the worker never hears its id.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    answered.set()
    encounter = OutboxRow.objects.get(key=f"encounter:{made}")
    assert encounter.state == RowState.PENDING and not encounter.satusehat_id
    assert len(satusehat.resources("Encounter")) == 1

    with celery_worker(satusehat, "second", log):
        time.sleep(3)  # the dead worker's lease runs out
        send_outbox.delay()  # what beat's next run would queue
        assert wait_for(lambda: all_sent(pregnancy)), (tmp_path / "workers.log").read_text()[-3000:]

    assert satusehat.count("POST", "Encounter") == 1
    (stored,) = satusehat.resources("Encounter")
    encounter.refresh_from_db()
    assert encounter.satusehat_id == stored["id"]
    for kind in ("EpisodeOfCare", "Observation"):
        identifiers = [r["identifier"][0]["value"] for r in satusehat.resources(kind)]
        assert len(identifiers) == len(set(identifiers)), f"a second {kind}"
