"""gunicorn's own limits (a request line over 4094 bytes, over 100 headers, a header over
8190 bytes) are refused before Django sees the request; the worker answers them in the
API's JSON error shape, not gunicorn's HTML page (jsc/gunicorn_worker.py)."""

from __future__ import annotations

import json
import os
import socket
from urllib.parse import urlsplit

import pytest

from tests import support

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = support.test_database_url()
    env = {**os.environ, "JSC_ENV": "local", "DATABASE_URL": url}
    env.pop("CACHE_URL", None)
    with support.gunicorn(env, "--workers", "1") as (base, _):
        yield urlsplit(base)


def raw(server, head: str) -> tuple[int, dict, bytes]:
    """Send ``head`` (request line and headers) as is; status, headers and body."""
    with socket.create_connection((server.hostname, server.port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    top, _, body = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def get(path: str, *headers: str) -> str:
    return "\r\n".join([f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers, ""])


CASES = {
    "request-line": (get("/api/v1/pregnancies/?search=" + "1" * 5000), 414),
    "header-count": (get("/api/v1/me/", *(f"X-Filler-{i}: x" for i in range(120))), 431),
    "header-size": (get("/api/v1/me/", "X-Filler: " + "x" * 9000), 431),
}


@pytest.mark.parametrize("case", CASES)
def test_a_request_over_gunicorns_limits_answers_json(server, case):
    head, expected = CASES[case]

    status, headers, body = raw(server, head)

    assert status == expected
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    detail = json.loads(body)["detail"]
    assert detail and "<html>" not in body.decode()


def test_the_detail_is_in_bahasa_indonesia(server):
    _, _, body = raw(server, CASES["request-line"][0])

    assert json.loads(body)["detail"] == "Baris permintaan (metode dan alamat) terlalu panjang."


def test_a_request_within_the_limits_reaches_django(server):
    status, headers, body = raw(server, get("/api/v1/me/", "X-Filler: " + "x" * 4000))

    assert status == 401
    assert "detail" in json.loads(body)
