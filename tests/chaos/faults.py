"""The faults, one function each: inject while the dispatch is under way, heal, and
return the monotonic time of the heal (recovery is measured from it)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from tests.chaos.suite import Row, Suite
from tests.fakes.fake_fcm import quota_exceeded, unavailable


def none(suite: Suite, row: Row) -> float:
    """A baseline: the same load and the same books, no fault."""
    return time.monotonic()


def worker_sigkill(suite: Suite, row: Row) -> float:
    """SIGKILL the worker and its pool in the middle of a batch; its supervisor (as
    docker-compose's restart policy) starts it again."""
    suite.wait_for_dispatch()
    pid = suite.cluster.kill_service("worker")
    row.notes.append(f"killed worker pid {pid} with {_sending(suite)} deliveries claimed")
    return time.monotonic()


def redis_outage(suite: Suite, row: Row) -> float:
    """Redis goes away mid-dispatch, and more alerts fall due while it is away: beat
    cannot queue their scans, the worker loses its broker (and may die: its supervisor
    starts it again)."""
    suite.wait_for_dispatch()
    suite.cluster.stop_redis()
    started = time.monotonic()
    suite.owe()
    time.sleep(max(0.0, suite.scale.redis_outage - (time.monotonic() - started)))
    suite.cluster.start_redis()
    restarts = suite.cluster.log("worker").count("supervise: worker exited")
    row.notes.append(f"worker restarts so far: {restarts}")
    return time.monotonic()


def two_beats(suite: Suite, row: Row) -> float:
    suite.cluster.start_beat("beat2")
    suite.wait_for_dispatch()
    # Two beats for the whole phase: every scan is queued twice.
    time.sleep(suite.scan_every * 2)
    suite.cluster.stop("beat2")
    return time.monotonic()


def fcm_unavailable(suite: Suite, row: Row) -> float:
    return _fcm_fault(suite, row, lambda fake: fake.fail_all(unavailable()))


def fcm_quota_retry_after(suite: Suite, row: Row) -> float:
    wait = int(suite.scale.fcm_window)
    return _fcm_fault(suite, row, lambda fake: fake.fail_all(quota_exceeded(retry_after=wait)))


def fcm_credentials(suite: Suite, row: Row) -> float:
    return _fcm_fault(suite, row, lambda fake: fake.reject_credentials())


def _fcm_fault(suite: Suite, row: Row, start) -> float:
    suite.wait_for_dispatch()
    log_from = len(suite.cluster.log("worker"))
    start(suite.fake)
    began = datetime.now(UTC)
    time.sleep(suite.scale.fcm_window)
    suite.fake.heal()
    healed = datetime.now(UTC)
    log = suite.cluster.log("worker")
    row.dispatch_runs_while_waiting = _dispatch_runs(log[log_from:])
    row.wakeups_while_waiting = len([t for t in _wakeups(log) if began <= t <= healed])
    row.requeued_while_waiting = log[log_from:].count("used all its claims with more due")
    row.waiting_seconds = (healed - began).total_seconds()
    return time.monotonic()


def db_connections_dropped(suite: Suite, row: Row) -> float:
    suite.wait_for_dispatch()
    dropped = 0
    for _ in range(3):
        dropped += suite.cluster.drop_db_connections()
        time.sleep(1)
    row.notes.append(f"terminated {dropped} database connections")
    return time.monotonic()


def postgres_restart(suite: Suite, row: Row) -> float:
    suite.wait_for_dispatch()
    suite.cluster.restart_postgres()
    return time.monotonic()


def web_sigkill(suite: Suite, row: Row) -> float:
    """SIGKILL gunicorn (master and workers) with registrations in flight; the clients
    send the same ids again until they are answered."""
    time.sleep(3)  # registrations under way
    pid = suite.cluster.kill_service("web")
    row.notes.append(f"killed web pid {pid}")
    time.sleep(5)
    pid = suite.cluster.kill_service("web")
    return time.monotonic()


def _sending(suite: Suite) -> int:
    return suite.cluster.sql(
        "SELECT count(*) FROM notifications_delivery WHERE status = 'sending'"
    )[0][0]


def _dispatch_runs(log: str) -> int:
    return len(re.findall(r"Task notifications\.tasks\.dispatch_alerts\[[^\]]+\] received", log))


def _wakeups(log: str) -> list[datetime]:
    """The times of the wake-ups that ran (notifications/tasks.py logs each)."""
    found = re.findall(r"dispatch run, woken up as booked for (\S+ \S+)", log)
    return [datetime.fromisoformat(t) for t in found]


SHORT_FORM = [
    ("worker SIGKILL mid-batch", worker_sigkill),
    ("Redis stopped, restarted", redis_outage),
    ("FCM 429 Retry-After", fcm_quota_retry_after),
    ("web SIGKILL, clients retry", web_sigkill),
]

LONG_FORM = [
    ("no fault (baseline)", none),
    ("worker SIGKILL mid-batch", worker_sigkill),
    ("Redis stopped 60 s", redis_outage),
    ("two beats", two_beats),
    ("FCM 503", fcm_unavailable),
    ("FCM 429 Retry-After", fcm_quota_retry_after),
    ("FCM credentials refused", fcm_credentials),
    ("DB connections dropped", db_connections_dropped),
    ("PostgreSQL restarted", postgres_restart),
    ("web SIGKILL, clients retry", web_sigkill),
]
