from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from jsc.celery import app
from notifications.backends import get_backend
from notifications.push import PushOutcome, PushResult
from notifications.push.fcm import FirebaseBackend
from tests.fakes.fake_fcm import FakeFCM, make_service_account


class RecordingBackend:
    """A push back end for the dispatcher's own tests: remembers every message it got and
    answers with a scripted outcome per token (``sent`` by default)."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list = []
        self.outcomes: dict[str, list[PushResult | PushOutcome]] = {}
        self._lock = threading.Lock()

    def script(self, token: str, *outcomes: PushOutcome) -> None:
        self.outcomes[token] = list(outcomes)

    def send(self, messages):
        results = []
        with self._lock:
            for message in messages:
                self.sent.append(message)
                queue = self.outcomes.get(message.token) or [PushOutcome.SENT]
                outcome = queue.pop(0) if len(queue) > 1 else queue[0]
                results.append(
                    PushResult(
                        message=message,
                        outcome=outcome,
                        message_id="m" if outcome == PushOutcome.SENT else None,
                        error_code=None if outcome == PushOutcome.SENT else outcome.upper(),
                    )
                )
        return results

    def tokens(self) -> list[str]:
        return [m.token for m in self.sent]


@pytest.fixture
def recording() -> RecordingBackend:
    return RecordingBackend()


@pytest.fixture
def fake_fcm() -> Iterator[FakeFCM]:
    with FakeFCM() as server:
        yield server


@pytest.fixture
def fcm_backend(fake_fcm, tmp_path, settings) -> Iterator[FirebaseBackend]:
    """The real firebase-admin client, pointed at the fake FCM through the settings the
    service reads (FIREBASE_CREDENTIALS, FCM_ENDPOINT)."""
    settings.FIREBASE_CREDENTIALS = str(make_service_account(tmp_path, fake_fcm.token_url))
    settings.FCM_ENDPOINT = fake_fcm.url
    get_backend.cache_clear()
    backend = get_backend()
    yield backend
    backend.close()
    get_backend.cache_clear()


@pytest.fixture(autouse=True)
def default_alert_rules(request):
    """The default rules come from a data migration, which a transactional test's flush
    removes; put them back so every test starts from the defaults."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    import_module("notifications.migrations.0002_default_alert_rules").add_defaults(apps, None)


@pytest.fixture
def worker():
    """A real Celery worker (threads) on the test broker, Redis; never eager mode."""
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the worker tests need Redis"
    app.control.purge()
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False) as w:
        yield w
