"""What the SATUSEHAT tests share: a client that does not sleep, one send run, the
registry's actions through its API, and the outbox read back."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from satusehat.client import SatusehatClient
from satusehat.models import OutboxRow
from satusehat.services import SendReport, outbox_send_due
from tests.fakes.fake_satusehat import FakeSatusehat
from tests.pregnancies.helpers import body, days_ago, mother, outcome, visits

URL = "/api/v1/pregnancies/"


def quick_client(fake: FakeSatusehat, **options) -> SatusehatClient:
    """The real client against the fake, with its retries' waits cut to milliseconds."""
    options.setdefault("backoff", 0.001)
    return SatusehatClient(
        auth_url=fake.auth_url,
        fhir_url=fake.fhir_url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        **options,
    )


def send(fake: FakeSatusehat, client: SatusehatClient | None = None) -> SendReport:
    """One worker's run, as the task makes it (satusehat/tasks.py)."""
    return outbox_send_due(
        client=client or quick_client(fake), today=timezone.localdate(), clock=timezone.now
    )


def register(api, user, *, serial: int = 12, **overrides) -> str:
    data = body(mother=mother(serial=serial), **overrides)
    answer = api(user).post(URL, data, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def visit(api, user, pregnancy_id: str, on: date | None = None, **measures) -> str:
    data = {"date": (on or days_ago(0)).isoformat(), **measures}
    answer = api(user).post(visits(pregnancy_id), data, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def record_outcome(api, user, pregnancy_id: str, **fields) -> None:
    data = {"kind": "live_birth", "date": days_ago(0).isoformat(), **fields}
    answer = api(user).post(outcome(pregnancy_id), data, format="json")
    assert answer.status_code == 201, answer.content


def rows(pregnancy_id) -> dict[str, OutboxRow]:
    return {r.key: r for r in OutboxRow.objects.filter(pregnancy_id=pregnancy_id)}


def states(pregnancy_id) -> dict[str, str]:
    return {key: row.state for key, row in rows(pregnancy_id).items()}
