"""A database that cannot be reached, or a DATABASE_URL that is not one, stops
manage.py, the celery worker and beat, and gunicorn with exit code 2 and one line that
never shows the password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import BASE_DIR, closed_port, manage, run_python

SECRET = "s3cret-Pa55word"


def one_line(result) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_migrate_against_a_closed_port_says_the_database_is_unreachable():
    url = f"postgres://jsc:{SECRET}@127.0.0.1:{closed_port()}/jsc"

    result = manage("migrate", "--noinput", JSC_ENV="test", DATABASE_URL=url)

    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("jsc: database unreachable")
    assert "127.0.0.1" in line
    assert SECRET not in result.stderr + result.stdout


def unreachable_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JSC_ENV": "test",
        "JSC_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"postgres://jsc:{SECRET}@127.0.0.1:{closed_port()}/jsc",
        # This checkout has no collected static files; whitenoise warns about that.
        "PYTHONWARNINGS": "ignore:No directory at",
    }


def assert_unreachable(result) -> None:
    assert result.returncode == 2, result.stderr
    assert one_line(result).startswith("jsc: database unreachable (postgresql at 127.0.0.1)")
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_the_celery_worker_and_beat_say_the_database_is_unreachable(command, tmp_path):
    celery = str(Path(sys.executable).parent / "celery")

    # Left running, either would sit there (or print beat's tracebacks) until the timeout.
    result = subprocess.run(
        [celery, "-A", "jsc", command],
        cwd=BASE_DIR,
        env=unreachable_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert_unreachable(result)


def test_the_wsgi_entry_point_says_the_database_is_unreachable(tmp_path):
    env = unreachable_env(tmp_path)

    result = run_python(["-c", "import jsc.wsgi"], **env)

    assert_unreachable(result)


def test_gunicorn_exits_instead_of_respawning_workers_that_cannot_reach_it(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "jsc.wsgi", "-c", "python:jsc.gunicorn_conf",
         "--bind", f"127.0.0.1:{closed_port()}"],
        cwd=BASE_DIR, env=unreachable_env(tmp_path), capture_output=True, text=True, timeout=30,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if line.startswith("jsc:")]
    assert len(ours) == 1
    assert ours[0].startswith("jsc: database unreachable")
    assert SECRET not in result.stderr + result.stdout


def test_migrate_against_a_missing_database_names_the_problem_without_the_password():
    # The real server, a database that does not exist: the driver's message is the reason.
    url = f"postgres://postgres:{SECRET}@127.0.0.1:5432/no_such_jsc_db"

    result = manage("migrate", "--noinput", JSC_ENV="test", DATABASE_URL=url)

    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("jsc: database unreachable")
    assert SECRET not in result.stderr + result.stdout


def test_a_url_that_is_not_a_database_url_is_a_configuration_error():
    url = f"mongodb://jsc:{SECRET}@127.0.0.1/jsc"

    result = manage("migrate", "--noinput", JSC_ENV="test", DATABASE_URL=url)

    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("jsc: configuration error: DATABASE_URL")
    assert SECRET not in result.stderr + result.stdout


def test_a_url_with_a_bad_port_is_a_configuration_error():
    url = f"postgres://jsc:{SECRET}@127.0.0.1:port/jsc"

    result = manage("migrate", "--noinput", JSC_ENV="test", DATABASE_URL=url)

    assert result.returncode == 2
    assert one_line(result).startswith("jsc: configuration error: DATABASE_URL")
    assert SECRET not in result.stderr + result.stdout


def test_a_url_missing_a_slash_does_not_leak_the_password_as_a_database_name():
    # "postgres:/" parses with the credentials in the database name, which the
    # driver would echo back in its error.
    url = f"postgres:/jsc:{SECRET}@127.0.0.1:5432/jsc"

    result = manage("migrate", "--noinput", JSC_ENV="test", DATABASE_URL=url)

    assert result.returncode == 2
    assert one_line(result).startswith("jsc: ")
    assert SECRET not in result.stderr + result.stdout


def test_the_explanation_masks_credentials_wherever_they_appear():
    from jsc.startup import redact

    known = 'database "hunter22" does not exist'
    in_a_url = 'database "jsc:hunter22@db/jsc" does not exist'

    assert redact(known, ["hunter22"]) == 'database "***" does not exist'
    assert redact(in_a_url, []) == 'database "jsc:***@db/jsc" does not exist'
