"""`make run` on the embedded defaults, as the README's quick start promises. From a copy
of the project sharing this .venv (so `make run`'s install step is already done, and
bin/run-local is what it runs next), it serves /healthz, beat's scan reaches the worker
through the filesystem broker, the worker writes the demo doctor's push to the log,
and Ctrl-C stops all three processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.support import closed_port, project_copy

pytestmark = pytest.mark.worker


def test_make_run_serves_healthz_runs_the_pipeline_and_stops_on_ctrl_c(tmp_path):
    project = project_copy(tmp_path)
    port = closed_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "JSC_ENV", "FIREBASE_CREDENTIALS"}
    }
    env.update(PORT=str(port), ALERT_SCAN_INTERVAL_SECONDS="3")
    log = (tmp_path / "run.log").open("w+")
    run = subprocess.Popen(
        ["./bin/run-local"], cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert run.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "no healthy /healthz within two minutes"
                time.sleep(0.5)
        deadline = time.monotonic() + 60
        # The log back end's line for the demo doctor's phone (token hint: last 6 chars).
        pushed = re.compile(r"push log/\d+ to \.\.\.ersari data=")
        while not pushed.search((tmp_path / "run.log").read_text()):
            assert time.monotonic() < deadline, "no push was written to the log"
            time.sleep(0.5)
    finally:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise
    output = (tmp_path / "run.log").read_text()
    assert "jsc: stopped web, worker and beat." in output
    leftovers = subprocess.run(
        ["pgrep", "-f", str(project)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []
    assert "Demo logins" in output
