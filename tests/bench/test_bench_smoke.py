"""The short form of `make bench`: every section of bench/run.py on 2,000 pregnancies.

Figures at this size mean nothing; what is checked is that each benchmark still runs
against the code as it is now (a migration that adds a column, a validation rule the
load client's requests no longer pass) and measures what it claims: every request of
the load answered as expected, every push and urgent visit accounted for, every
section rendered in the results page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.md"
    # A bench database of its own beside the suite's (its name must start jsc_bench).
    suite_db = os.environ["DATABASE_URL"].rsplit("/", 1)
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"{suite_db[0]}/jsc_bench_smoke_{suite_db[1]}",
        "TEST_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "N": "2000",
        "ROUNDS": "1",
        "ALERTS": "200",
        "SECONDS": "1",
        "URGENT_VISITS": "5",
        "DISPATCH_BATCHES": "",
        "HISTORY": "500",
        "RESULTS": str(out),
    }
    for name in ("JSC_ENV", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "bench/run.py", "--quick"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(out.with_suffix(".json").read_text()), out.read_text()


def test_scan_inserts_what_the_raw_query_selects(report):
    data, _ = report
    first = data["scan"][0]
    assert first["rows"] > 0
    assert first["inserted"] == first["rows"]
    # A statement per slice of EDD, and an ANALYZE after a slice that wrote many rows:
    # a bound whatever the number of pregnancies.
    assert all(row["queries"] <= 15 for row in data["scan"])


def test_dispatch_sends_every_alert(report):
    data, _ = report
    assert data["dispatch"]["sent"] == [data["dispatch"]["alerts"]]


def test_every_request_of_the_load_is_answered_as_expected(report):
    data, _ = report
    for row in data["http"]:
        for side in ("ours", "bare"):
            assert row[side]["errors"] == 0, (row["endpoint"], row["clients"], side)
            assert row[side]["requests"] > 0, (row["endpoint"], row["clients"], side)


def test_every_urgent_visit_is_pushed_under_load(report):
    urgent = report[0]["urgent"]
    assert urgent["pushed"] == urgent["visits"] == 5
    assert urgent["load_errors"] == 0
    assert urgent["load_rps"] > 0


def test_every_dashboard_endpoint_is_measured(report):
    cases = report[0]["dashboard"]["cases"]
    assert len(cases) == 4


def test_the_results_page_has_every_section(report):
    # The figures, not bench/notes.md (appended after them, written by hand).
    page = report[1].split("## Where the time goes")[0]
    for heading in ("## 1. Scan", "## 2. Dispatch", "## 3. Registration", "## 4. Urgent", "## 5."):
        assert heading in page
    assert "not measured" not in page.lower()
