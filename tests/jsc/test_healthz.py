"""GET /healthz: 200 when the database and the broker answer, 503 naming the one that does not."""

from __future__ import annotations

import pytest

from jsc.celery import app as celery_app
from tests.support import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at a Redis port where nothing listens.

    The app read the Django settings long ago, so overriding CELERY_BROKER_URL in the
    settings would change nothing. Celery's ``conf.broker_url`` prefers the
    CELERY_BROKER_URL environment variable (which `make test` sets) over its own
    configuration, so both are redirected; the assertion proves the check will dial
    the dead port.
    """
    url = f"redis://127.0.0.1:{closed_port()}/15"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    assert celery_app.conf.broker_write_url == url
    return url


def test_it_answers_ok_when_the_database_and_the_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    # More parts are welcome (the contract allows fields); these three are fixed.
    assert {k: body[k] for k in ("status", "database", "broker")} == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
    }


def test_it_really_talks_to_the_configured_broker(client):
    assert celery_app.conf.broker_url.startswith("redis://"), "the suite runs against Redis"

    assert client.get("/healthz").json()["broker"] == "ok"


def test_it_answers_503_naming_the_broker_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_it_answers_fast_when_the_broker_is_down(client, broker_down):
    import time

    started = time.monotonic()
    client.get("/healthz")

    assert time.monotonic() - started < 5


def test_it_answers_503_naming_the_database_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    from jsc import health

    def refuse():
        raise OperationalError("connection refused")

    # The test database cannot be taken down under the test itself, so the seam is the
    # cursor the check opens.
    monkeypatch.setattr(health.connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["broker"] == "ok"


def test_it_needs_no_login(client):
    assert client.get("/healthz").status_code == 200
