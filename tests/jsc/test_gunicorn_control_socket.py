"""Every gunicorn the project starts (make run, the Dockerfile, compose, the tests) reads
jsc.gunicorn_conf, which opens no control socket unless GUNICORN_CONTROL_SOCKET names one:
gunicorn's default is one path per user, which two instances would fight over."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests import support

# The web process runs on the test database (its tables; no test data it must see).
pytestmark = pytest.mark.django_db


@contextmanager
def gunicorn(tmp_path: Path, name: str, **extra_env: str):
    """A gunicorn started as `make run` starts it, with HOME and XDG_RUNTIME_DIR in tmp."""
    env = {
        **os.environ,
        "JSC_ENV": "local",
        "JSC_VAR_DIR": str(tmp_path / name),
        "HOME": str(tmp_path / "home"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "DATABASE_URL": support.test_database_url(),
        **extra_env,
    }
    if "GUNICORN_CONTROL_SOCKET" not in extra_env:
        env.pop("GUNICORN_CONTROL_SOCKET", None)
    with support.gunicorn(env, "--workers", "1") as (_, server):
        yield server


def _sockets_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_socket()] if folder.exists() else []


def test_two_instances_run_side_by_side_without_a_control_socket_in_home(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "run").mkdir()
    with ExitStack() as stack:
        first = stack.enter_context(gunicorn(tmp_path, "one"))
        second = stack.enter_context(gunicorn(tmp_path, "two"))
        assert first.poll() is None and second.poll() is None
        assert _sockets_under(tmp_path / "home") == []
        assert _sockets_under(tmp_path / "run") == []


def test_a_named_control_socket_belongs_to_its_instance_alone(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "run").mkdir()
    one, two = tmp_path / "one.ctl", tmp_path / "two.ctl"
    with gunicorn(tmp_path, "one", GUNICORN_CONTROL_SOCKET=str(one)):
        with gunicorn(tmp_path, "two", GUNICORN_CONTROL_SOCKET=str(two)):
            deadline = time.monotonic() + 10
            while not (one.is_socket() and two.is_socket()):
                assert time.monotonic() < deadline, "the control sockets did not appear"
                time.sleep(0.2)
        # Stopping the second leaves the first's socket where it was.
        assert one.is_socket()
        assert not two.exists()
        assert _sockets_under(tmp_path / "run") == []
