"""`make run`'s start is short: seeding the demo prints a summary (the alerts owed
included) and the logins, not a line per record; and `make manage CMD=...` runs a
command beside it on the same settings, with no variable to guess, starting make run's
database when it is down and stopping it after."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.support import BASE_DIR


def test_seeding_the_demo_prints_a_summary_and_the_logins_only(db_tmp):
    env = {"PATH": os.environ["PATH"], "JSC_ENV": "local", "JSC_VAR_DIR": str(db_tmp / "var")}
    # On make run's own database, started for these commands and stopped after.
    script = "manage.py migrate -v 0 && manage.py seed_demo"
    seeded = subprocess.run(
        [sys.executable, "-m", "jsc.embedded_db", "run", "sh", "-c",
         script.replace("manage.py", f"{sys.executable} manage.py")],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip

    assert seeded.returncode == 0, seeded.stderr
    lines = (seeded.stdout + seeded.stderr).splitlines()
    assert len(lines) <= 13, lines[:20]
    assert any(line.startswith("Demo pregnancies: 300") for line in lines)
    assert any(line.startswith("Demo regency:") for line in lines)
    (alerts,) = [line for line in lines if line.startswith("Demo alerts: ")]
    owed, answered, to_push = (int(n) for n in re.findall(r"\d+", alerts))
    assert owed > answered > 0 and to_push >= 0
    assert "Demo logins (password for all: jember-demo-2026):" in lines
    assert not [line for line in lines if "INFO" in line or "WARNING" in line]


def test_make_manage_runs_a_command_on_make_run_s_settings(db_tmp):
    env = {"PATH": os.environ["PATH"], "HOME": str(db_tmp), "JSC_VAR_DIR": str(db_tmp / "var")}
    # Plain manage.py, as in production, wants a SECRET_KEY...
    plain = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert plain.returncode == 2
    assert "SECRET_KEY is not set" in plain.stderr

    # ...`make manage` runs it as `make run` does, on make run's database.
    made = subprocess.run(
        ["make", "-s", "manage", "CMD=migrate -v 0"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    scan = subprocess.run(
        ["make", "-s", "manage", "CMD=send_due_alerts"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert scan.returncode == 0, scan.stderr
    # Stopped after: it was not running before.
    assert not (db_tmp / "var" / "postgres" / "postmaster.pid").exists()
