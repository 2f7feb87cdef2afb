"""gunicorn's access log, as `make run`, the Dockerfile and compose start it, keeps
query strings (where `?search=` may carry a NIK) and whole device tokens (in the path
of `DELETE /api/v1/devices/{token}/`) out of the log."""

from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import support

# The web process runs on the test database (its tables; no test data it must see).
pytestmark = pytest.mark.django_db

NIK = "3509215708950012"
# Shaped like an FCM registration token: an instance id, ":APA91b", a long tail.
TOKEN = "dXNlci1waG9uZS0xMjM0NTY3:APA91bH" + "k3Jq9xLmW2" * 14 + "Q7w_Z9"


@contextmanager
def gunicorn(tmp_path: Path):
    """A gunicorn serving the local settings on the test database; yields (base URL,
    access log, stderr log)."""
    log = tmp_path / "access.log"
    errors = tmp_path / "stderr.log"
    env = {**os.environ, "JSC_ENV": "local", "JSC_VAR_DIR": str(tmp_path)}
    env["DATABASE_URL"] = support.test_database_url()
    with errors.open("w") as stderr:
        with support.gunicorn(env, "--access-logfile", str(log), stderr=stderr) as (base, _):
            yield base, log, errors


def wait_for_log(log: Path, text: str) -> str:
    deadline = time.monotonic() + 10
    while text not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, f"{text!r} was not logged"
        time.sleep(0.2)
    return log.read_text()


def test_the_access_log_has_the_path_but_not_the_query_string(tmp_path):
    with gunicorn(tmp_path) as (base, log, _):
        urllib.request.urlopen(f"{base}/api/docs/?search={NIK}")
        text = wait_for_log(log, "/api/docs/")

    assert '"GET /api/docs/ HTTP/1.1" 200' in text
    assert NIK not in text
    assert "search" not in text


def test_a_device_token_in_the_path_is_logged_by_its_last_six_characters_only(tmp_path):
    with gunicorn(tmp_path) as (base, log, errors):
        request = urllib.request.Request(f"{base}/api/v1/devices/{TOKEN}/", method="DELETE")
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as exc:
            assert exc.code == 401  # no credentials: still a line in both logs
        text = wait_for_log(log, '"DELETE /api/v1/devices/')
        # Django's "Unauthorized: <path>" warning, written by the web process to stderr.
        django_text = wait_for_log(errors, "Unauthorized: /api/v1/devices/")

    assert '"DELETE /api/v1/devices/…Q7w_Z9/ HTTP/1.1" 401' in text
    assert "Unauthorized: /api/v1/devices/…Q7w_Z9/" in django_text
    for logged in (text, django_text):
        assert TOKEN[:24] not in logged
        assert TOKEN[-20:] not in logged


def send_raw(base: str, head: bytes) -> None:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        while sock.recv(65536):
            pass


def test_a_malformed_request_line_is_logged_without_its_query_string(tmp_path):
    # gunicorn logs a request line it cannot parse whole (here: no HTTP version), as
    # "Invalid request from ip=...: Invalid HTTP request line: '<the line>'".
    with gunicorn(tmp_path) as (base, _, errors):
        send_raw(base, f"GET /api/v1/pregnancies/?search={NIK}\r\n\r\n".encode())
        text = wait_for_log(errors, "Invalid request from")

    assert "/api/v1/pregnancies/?" in text
    assert NIK not in text
    assert "search" not in text
