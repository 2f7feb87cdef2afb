"""docker-compose.yml: valid for Debian's docker-compose 1.29, the five services with
their health checks, and the same environment names the settings read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache

import pytest
import yaml
from django.test import override_settings

from tests.support import BASE_DIR

CONTRACT_ENV = ["DATABASE_URL", "CELERY_BROKER_URL", "FIREBASE_CREDENTIALS", "FCM_ENDPOINT"]
APP_SERVICES = ["web", "worker", "beat"]


def compose(*args: str, **env: str) -> subprocess.CompletedProcess:
    # bin/ensure-test-deps installs it: a missing docker-compose is a failure, not a skip.
    assert shutil.which("docker-compose"), "docker-compose is missing; run bin/ensure-test-deps"
    full_env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    full_env.update(env)
    return subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@cache
def resolved() -> dict:
    """The file as compose itself reads it: anchors merged, variables filled in."""
    result = compose("config", SECRET_KEY="compose-test-secret")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_it_passes_docker_compose_config_with_a_secret_key():
    result = compose("config", "-q", SECRET_KEY="compose-test-secret")

    assert result.returncode == 0, result.stderr


def test_it_refuses_to_configure_without_a_secret_key():
    result = compose("config", "-q")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_declares_postgres_redis_web_worker_and_beat():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(resolved()["services"])


@pytest.mark.parametrize("service", ["postgres", "redis", "web"])
def test_it_health_checks_the_stateful_services_and_the_web(service):
    healthcheck = resolved()["services"][service].get("healthcheck")

    assert healthcheck and healthcheck["test"], f"{service} has no healthcheck"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_service_gets_the_contract_environment(service):
    env = resolved()["services"][service]["environment"]

    for name in [*CONTRACT_ENV, "SECRET_KEY"]:
        assert name in env, f"{service} lacks {name}"
    assert env["SECRET_KEY"] == "compose-test-secret"
    assert env["JSC_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_the_settings_read_the_same_environment_names():
    settings_source = (BASE_DIR / "jsc" / "settings.py").read_text()
    read = set(re.findall(r"os\.environ(?:\.get)?[\[(]\"([A-Z_]+)\"", settings_source))
    read |= set(re.findall(r"env_(?:int|bool)\(\"([A-Z_]+)\"", settings_source))

    compose_env = resolved()["services"]["web"]["environment"]

    assert {*CONTRACT_ENV, "SECRET_KEY"} <= read
    assert set(compose_env) <= read, (
        f"compose sets names the settings ignore: {set(compose_env) - read}"
    )


def test_the_web_trusts_the_one_proxy_it_documents_and_only_it_reaches_gunicorn():
    """gunicorn sits behind one TLS proxy on the host (the file's header), so the login
    throttle reads the client address that proxy appends (docs/security.md); the port is
    bound to loopback, so nobody else can send a forged X-Forwarded-For."""
    web = resolved()["services"]["web"]

    assert web["environment"]["NUM_PROXIES"] == "1"
    assert [str(port) for port in web["ports"]] == ["127.0.0.1:8000:8000/tcp"]
    assert "NUM_PROXIES" not in resolved()["services"]["worker"]["environment"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_waits_for_healthy_data_stores_and_the_migration(service):
    depends = resolved()["services"][service]["depends_on"]

    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_it_runs_exactly_one_beat():
    beat = resolved()["services"]["beat"]

    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "beat" in beat["command"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("allowed_hosts", ["localhost", "jsc.example.org,localhost", "*"])
def test_the_web_healthcheck_passes_against_a_healthy_server(live_server, allowed_hosts):
    # Django answers 400 to a Host header outside ALLOWED_HOSTS; the probe must send one
    # the production settings accept, not the 127.0.0.1 it connects to.
    test = resolved()["services"]["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    port = live_server.url.rsplit(":", 1)[1]
    command = [sys.executable, *(part.replace(":8000", f":{port}") for part in test[2:])]
    hosts = [h for h in allowed_hosts.split(",") if h]

    with override_settings(ALLOWED_HOSTS=hosts):
        result = subprocess.run(
            command,
            env={"PATH": os.environ["PATH"], "ALLOWED_HOSTS": allowed_hosts},
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_web_healthcheck_fails_when_the_server_is_unhealthy(live_server, monkeypatch):
    from jsc import health

    monkeypatch.setitem(health.CHECKS, "database", lambda: "error: OperationalError")
    test = resolved()["services"]["web"]["healthcheck"]["test"]
    port = live_server.url.rsplit(":", 1)[1]
    command = [sys.executable, *(part.replace(":8000", f":{port}") for part in test[2:])]

    with override_settings(ALLOWED_HOSTS=["localhost"]):
        result = subprocess.run(
            command,
            env={"PATH": os.environ["PATH"], "ALLOWED_HOSTS": "localhost"},
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert result.returncode != 0


def test_a_web_worker_or_beat_that_dies_is_started_again():
    # The worker exits when kombu gives up on a broker that went away
    # (docs/alerts-reliability.md): compose must start it again.
    for name in APP_SERVICES:
        assert resolved()["services"][name]["restart"] in {"always", "unless-stopped"}, name
