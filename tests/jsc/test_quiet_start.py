"""`make run`'s start is short: seeding the demo prints a summary and the logins, not a
line per record; and `make manage CMD=...` runs a command beside it on the same
settings, with no variable to guess."""

from __future__ import annotations

import os
import subprocess

from tests.support import BASE_DIR, manage


def test_seeding_the_demo_prints_a_summary_and_the_logins_only(tmp_path):
    env = {"JSC_ENV": "local", "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3"}
    assert manage("migrate", "-v", "0", **env).returncode == 0

    seeded = manage("seed_demo", **env)

    assert seeded.returncode == 0, seeded.stderr
    lines = (seeded.stdout + seeded.stderr).splitlines()
    assert len(lines) <= 15, lines[:20]
    assert any(line.startswith("Demo pregnancies: 300") for line in lines)
    assert any(line.startswith("Demo regency:") for line in lines)
    assert "Demo logins (password for all: jember-demo-2026):" in lines
    assert not [line for line in lines if " INFO " in line]


def test_make_manage_runs_a_command_on_make_run_s_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
        "JSC_VAR_DIR": str(tmp_path / "var"),
    }
    # Plain manage.py, as in production, wants a SECRET_KEY...
    plain = manage("check", **env)
    assert plain.returncode == 2
    assert "SECRET_KEY is not set" in plain.stderr

    # ...`make manage` runs it as `make run` does.
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
