"""The settings fail closed: no built-in secret outside local and test runs, DEBUG off
unless asked for, and a misconfiguration reported in one line, not a traceback.

Each test starts a fresh interpreter: the settings module is read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import BASE_DIR, manage, run_python

PRINT_SETTINGS = [
    "-c",
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, s.SESSION_COOKIE_SECURE, sep='|')",
]


def assert_one_line_error(result, *expected: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]
    return lines[0]


@pytest.mark.parametrize("env", [{"JSC_ENV": "production"}, {}], ids=["production", "unset"])
def test_it_refuses_to_start_in_production_without_a_secret_key(env):
    result = manage("check", **env)

    line = assert_one_line_error(result, "SECRET_KEY")
    assert line.startswith("jsc: configuration error:")


def test_an_empty_secret_key_is_no_secret_key():
    result = manage("check", JSC_ENV="production", SECRET_KEY="")

    assert_one_line_error(result, "SECRET_KEY")


def test_the_wsgi_entry_point_refuses_too():
    result = run_python(["-c", "import jsc.wsgi"], JSC_ENV="production")

    assert result.returncode == 2
    assert_one_line_error(result, "SECRET_KEY")


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_the_celery_worker_and_beat_refuse_too(command):
    celery = str(Path(sys.executable).parent / "celery")
    result = subprocess.run(
        [celery, "-A", "jsc", command],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "JSC_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert_one_line_error(result, "SECRET_KEY")


def test_it_starts_in_production_with_a_secret_key():
    result = manage("check", JSC_ENV="production", SECRET_KEY="a-real-secret")

    assert result.returncode == 0, result.stderr


def test_debug_is_off_by_default_in_production():
    result = run_python(
        PRINT_SETTINGS,
        JSC_ENV="production",
        SECRET_KEY="a-real-secret",
        DJANGO_SETTINGS_MODULE="jsc.settings",
    )

    assert result.returncode == 0, result.stderr
    debug, secret, secure_cookies = result.stdout.strip().split("|")
    assert debug == "False"
    assert secret == "a-real-secret"
    assert secure_cookies == "True"


def test_debug_is_off_by_default_in_a_local_run_too():
    result = run_python(PRINT_SETTINGS, JSC_ENV="local", DJANGO_SETTINGS_MODULE="jsc.settings")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("|")[0] == "False"


def test_debug_is_on_only_when_asked_for():
    result = run_python(
        PRINT_SETTINGS, JSC_ENV="local", DEBUG="true", DJANGO_SETTINGS_MODULE="jsc.settings"
    )

    assert result.stdout.split("|")[0] == "True"


def test_it_rejects_a_debug_value_it_does_not_understand():
    result = manage("check", JSC_ENV="local", DEBUG="maybe")

    assert_one_line_error(result, "DEBUG", "maybe")


def test_it_rejects_an_unknown_run_kind():
    result = manage("check", JSC_ENV="staging", SECRET_KEY="a-real-secret")

    assert_one_line_error(result, "JSC_ENV", "staging")


def test_it_rejects_a_number_setting_that_is_not_a_number():
    result = manage("check", JSC_ENV="local", ALERT_SCAN_INTERVAL_SECONDS="soon")

    assert_one_line_error(result, "ALERT_SCAN_INTERVAL_SECONDS")


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"SATUSEHAT_ENV": "prod"}, "SATUSEHAT_ENV must be one of dev, staging, production"),
        ({"SATUSEHAT_ENV": "custom", "SATUSEHAT_FHIR_URL": "http://x/fhir"}, "SATUSEHAT_AUTH_URL"),
        (
            {"SATUSEHAT_ENV": "custom", "SATUSEHAT_AUTH_URL": "x", "SATUSEHAT_FHIR_URL": "y"},
            "must be an http(s) URL",
        ),
        ({"SATUSEHAT_ENV": "dev"}, "SATUSEHAT_CLIENT_ID or SATUSEHAT_CLIENT_SECRET"),
    ],
    ids=["unknown environment", "custom without urls", "custom with bad urls", "no credentials"],
)
def test_a_satusehat_misconfiguration_stops_the_start_in_one_line(env, said):
    result = manage("check", JSC_ENV="test", **env)

    assert result.returncode == 2
    assert_one_line_error(result, said)


def test_satusehat_is_off_unless_an_environment_is_named():
    show = "import django; django.setup(); from django.conf import settings as s; "
    show += "print(repr(s.SATUSEHAT_ENV), s.SATUSEHAT_FHIR_URL, sep='|')"

    off = run_python(["-c", show], JSC_ENV="test", DJANGO_SETTINGS_MODULE="jsc.settings")
    dev = run_python(
        ["-c", show],
        JSC_ENV="test",
        DJANGO_SETTINGS_MODULE="jsc.settings",
        SATUSEHAT_ENV="Dev",
        SATUSEHAT_CLIENT_ID="id",
        SATUSEHAT_CLIENT_SECRET="secret",
    )

    assert off.stdout.strip() == "''|"
    assert dev.stdout.strip() == "'dev'|https://api-satusehat-dev.dto.kemkes.go.id/fhir-r4/v1"
