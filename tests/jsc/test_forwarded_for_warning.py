"""Production trusting no proxy (NUM_PROXIES=0) while requests carry X-Forwarded-For is a
deployment behind a proxy that forgot to say so: the login throttle would count every
client as the proxy. The web process says so in its log, once (jsc/middleware.py)."""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.request

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from jsc.middleware import ForwardedForCheckMiddleware
from tests import support

WARNING = "requests arrive with X-Forwarded-For but NUM_PROXIES is 0"


def requests(*forwarded: str | None):
    factory = RequestFactory()
    for value in forwarded:
        yield factory.get("/healthz", **({"HTTP_X_FORWARDED_FOR": value} if value else {}))


@override_settings(JSC_ENV="production")
def test_it_warns_once_however_many_requests_carry_the_header(caplog):
    check = ForwardedForCheckMiddleware(lambda request: HttpResponse())
    caplog.set_level(logging.WARNING, logger="jsc.middleware")

    for request in requests(None, "203.0.113.9", "198.51.100.7", "203.0.113.9"):
        check(request)

    warnings = [r for r in caplog.records if WARNING in r.getMessage()]
    assert len(warnings) == 1
    assert "203.0.113.9" not in caplog.text


@override_settings(JSC_ENV="production")
def test_it_says_nothing_while_no_request_carries_the_header(caplog):
    check = ForwardedForCheckMiddleware(lambda request: HttpResponse())

    for request in requests(None, None):
        check(request)

    assert WARNING not in caplog.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"JSC_ENV": "production", "REST_FRAMEWORK": {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}},
        {"JSC_ENV": "local"},
        {"JSC_ENV": "test"},
    ],
    ids=["behind-a-declared-proxy", "local", "test"],
)
def test_it_is_not_even_loaded_with_a_proxy_declared_or_outside_production(overrides):
    with override_settings(**overrides), pytest.raises(MiddlewareNotUsed):
        ForwardedForCheckMiddleware(lambda request: HttpResponse())


def test_a_production_gunicorn_logs_it_once(db):
    env = {
        **os.environ,
        "JSC_ENV": "production",
        "SECRET_KEY": "a-production-like-secret-key-of-sufficient-length-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "NUM_PROXIES": "0",
        "DATABASE_URL": support.test_database_url(),
    }
    env.pop("CACHE_URL", None)
    with tempfile.TemporaryFile(mode="w+") as log:
        with support.gunicorn(env, "--workers", "1", stderr=log) as (base, _):
            for address in ("203.0.113.9", "198.51.100.7", "192.0.2.1"):
                request = urllib.request.Request(
                    f"{base}/healthz", headers={"X-Forwarded-For": address}
                )
                urllib.request.urlopen(request, timeout=10).read()
        log.seek(0)
        text = log.read()

    assert text.count(WARNING) == 1, text
