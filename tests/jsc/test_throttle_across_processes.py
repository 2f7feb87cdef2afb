"""The login throttle holds across web processes on the embedded default: failed logins
counted by one gunicorn are seen by another (the shared file cache, jsc.cache), and the
cache's counter loses no increment when processes count at the same moment."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from jsc.cache import SharedFileCache
from tests import support

TOKEN = "/api/v1/auth/token/"


@contextmanager
def web_process(var_dir: Path):
    """One gunicorn with one worker, on the local settings' cache (no CACHE_URL)."""
    env = {**os.environ, "JSC_ENV": "local", "JSC_VAR_DIR": str(var_dir)}
    env["DATABASE_URL"] = support.database_url()
    env.pop("CACHE_URL", None)
    with support.gunicorn(env, "--workers", "1", "--access-logfile", "/dev/null") as (base, _):
        yield base


def log_in(base: str, password: str) -> int:
    body = json.dumps({"username": "ana", "password": password}).encode()
    request = urllib.request.Request(
        base + TOKEN, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db(transaction=True)
def test_failures_counted_by_two_web_processes_add_up(tmp_path, ana, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    with ExitStack() as stack:
        first = stack.enter_context(web_process(tmp_path))
        second = stack.enter_context(web_process(tmp_path))

        # Five failures, alternating: each process saw only two or three of them.
        answers = [log_in(base, "wrong") for base in (first, second, first, second, first)]
        assert answers == [401] * 5

        assert log_in(second, "wrong") == 429
        assert log_in(second, "a-long-test-password") == 429
        assert log_in(first, "a-long-test-password") == 429


def _count(folder: str, times: int) -> None:
    cache = SharedFileCache(folder, {})
    for _ in range(times):
        cache.incr("failures")


def test_the_shared_cache_loses_no_increment_between_processes(tmp_path):
    cache = SharedFileCache(str(tmp_path), {})
    assert cache.add("failures", 0, 600)
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_count, args=(str(tmp_path), 60)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    assert cache.get("failures") == 180


def test_an_increment_keeps_the_window_it_started_with(tmp_path):
    cache = SharedFileCache(str(tmp_path), {})
    cache.add("failures", 1, 900)
    path = cache._key_to_file("failures")
    with open(path, "rb") as f:
        expiry = pickle.load(f)

    cache.incr("failures")

    with open(path, "rb") as f:
        assert abs(pickle.load(f) - expiry) < 1
    assert cache.get("failures") == 2


def test_an_increment_of_an_expired_count_starts_nothing(tmp_path):
    cache = SharedFileCache(str(tmp_path), {})
    cache.add("failures", 1, 0.05)
    time.sleep(0.1)

    with pytest.raises(ValueError):
        cache.incr("failures")
    assert cache.add("failures", 1, 900)
