"""A database that cannot be reached, or a DATABASE_URL that is not one, stops
manage.py with exit code 2 and one line that never shows the password."""

from __future__ import annotations

from tests.foundation.conftest import closed_port, manage

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
