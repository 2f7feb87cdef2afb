"""Turn a misconfiguration into one clear line instead of a deep traceback."""

from __future__ import annotations

import re
import sys

from django.core.exceptions import ImproperlyConfigured

# "user:password@" inside any text: a mistyped DATABASE_URL can put the whole
# credential into the database name, and the driver echoes the name back.
_CREDENTIALS = re.compile(r"([^\s:/@\"']+):([^\s@\"']+)@")


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every known secret and every ``user:password@`` masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _CREDENTIALS.sub(r"\1:***@", text)


def explain(exc: BaseException) -> str | None:
    """A one-line explanation for start-up failures we know, else None."""
    if isinstance(exc, ImproperlyConfigured):
        return f"jsc: configuration error: {exc}"
    from django.db import OperationalError

    if isinstance(exc, OperationalError):
        from django.conf import settings

        db = settings.DATABASES["default"]
        where = db.get("HOST") or db.get("NAME")
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        line = f"jsc: database unreachable ({db['ENGINE'].rsplit('.', 1)[-1]} at {where}): {reason}"
        return redact(line, [str(db.get("PASSWORD") or "")])
    return None


def check_database() -> None:
    """Connect to the database once, so a process that cannot reach it stops at start.

    Without this a worker or beat starts "fine" and fails later in tracebacks (beat's
    schedule upsert, the first task), and gunicorn on the first request. The connection
    is closed again: worker and gunicorn processes fork after this, and a connection
    must not be shared across a fork.
    """
    from django.db import connection

    connection.ensure_connection()
    connection.close()


def call_or_explain(start, *args):
    """``start(*args)``, but a known start-up failure exits 2 with one line on stderr."""
    try:
        return start(*args)
    except Exception as exc:
        line = explain(exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        sys.exit(2)


def run_or_explain(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    call_or_explain(execute_from_command_line, argv)


def start_or_explain(*, database: bool = True) -> None:
    """What every long-running process does first: set Django up, then (unless told
    not to) reach the database; either failure exits 2 with one line."""
    import django

    call_or_explain(django.setup)
    if database:
        call_or_explain(check_database)
