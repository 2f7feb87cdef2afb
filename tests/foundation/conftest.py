"""Shared helpers for the foundation tests: a clean cache, subprocess runs of manage.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.conftest import make_user

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login failures are counted in the cache; one test's failures must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def root(db):
    """A superuser whose stored role is not admin: it must still act as admin."""
    return make_user("root", "health_office", is_superuser=True, is_staff=True, full_name="Root")


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run ``python <args>`` in the project folder with only ``env`` set (plus PATH).

    The parent's DATABASE_URL, SECRET_KEY and friends are left out on purpose: each
    test names exactly the environment it is about.
    """
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "JSC_VAR_DIR": "/tmp/jsc-test-var"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(["manage.py", *args], **env)
