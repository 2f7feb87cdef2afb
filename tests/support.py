"""Helpers more than one test folder uses: the project folder, subprocess runs of
manage.py and python, a gunicorn started as `make run` starts it, chromium.

Plain functions and constants, no fixtures: a test imports what it needs from here,
never from another test module or a conftest.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parents[1]

# Debian's chromium (bin/ensure-test-deps installs it), launched by Playwright.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium():
    """Debian's chromium through Playwright, closed on the way out.

    bin/ensure-test-deps installs it, so a missing one is a failure, not a skip.
    Playwright's sync API keeps an event loop on this thread, and Django refuses ORM
    calls while one runs; the tests' queries are plain synchronous calls on this
    thread, so that guard is lifted while the browser is open.
    """
    import pytest
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "chromium is missing; run bin/ensure-test-deps"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


def database_url() -> str:
    """The URL of the database the suite runs on (the test database), for a subprocess."""
    from django.db import connection

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


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


@contextmanager
def gunicorn(
    env: dict[str, str], *args: str, stderr: IO | int = subprocess.DEVNULL
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A gunicorn serving jsc.wsgi with jsc.gunicorn_conf (as `make run`, the Dockerfile
    and compose start it) on a free local port, in the environment ``env`` exactly, with
    ``args`` added to its command line. Yields (base URL, process) once /healthz answers,
    healthy or not; terminates it on the way out."""
    port = closed_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jsc.wsgi", "-c", "python:jsc.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", *args],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers, if not (yet) healthy
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=15)
