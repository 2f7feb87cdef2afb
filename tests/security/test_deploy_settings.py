"""Production settings pass Django's deploy check and send the security headers.

Each test starts a fresh interpreter with JSC_ENV=production: settings are read once
per process, and the suite itself runs with JSC_ENV=test.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.support import manage, run_python

SECRET = "a-production-like-secret-key-of-sufficient-length-0123456789abcdefghij"
HOST = "jsc.example.org"


def production(**extra: str) -> dict[str, str]:
    return {
        "JSC_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "jsc.settings",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        **extra,
    }


# Requests through Django's test client under the production settings; no database
# is touched (the login page and the docs page read none).
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
c = Client(HTTP_HOST=%(host)r)
secure = c.get("/accounts/login/", secure=True)
plain = c.get("/accounts/login/")
docs = c.get("/api/docs/", secure=True)
print(json.dumps({
    "headers": dict(secure.headers),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "docs_status": docs.status_code,
    "docs_csp": docs.headers.get("Content-Security-Policy"),
    "docs_body": docs.content.decode(),
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure_setting": s.CSRF_COOKIE_SECURE,
}))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    result = run_python(["-c", PROBE % {"host": HOST}], **production())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_would_catch_a_weakened_setting():
    """The check above can fail: cookies sent over plain HTTP are reported."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production(SECURE_COOKIES="false")
    )

    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr  # SESSION_COOKIE_SECURE


def test_https_answers_carry_hsts_nosniff_frame_denial_and_a_csp(probe):
    headers = {k.lower(): v for k, v in probe["headers"].items()}

    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


def test_plain_http_is_sent_to_https(probe):
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == f"https://{HOST}/accounts/login/"


def test_session_and_csrf_cookies_are_secure_in_production(probe):
    assert probe["csrf_cookie_secure"] is True
    assert probe["csrf_cookie_secure_setting"] is True
    assert probe["session_cookie_secure"] is True
    assert probe["session_cookie_httponly"] is True


def test_the_docs_page_has_no_inline_script(probe):
    """Swagger UI's start-up script comes from a URL, so script-src needs no inline."""
    assert probe["docs_status"] == 200
    body = probe["docs_body"]
    assert "<script>" not in body.replace(" ", "")
    assert "?script" in body
