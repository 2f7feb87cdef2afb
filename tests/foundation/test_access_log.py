"""gunicorn's access log, as `make run`, the Dockerfile and compose start it, keeps
query strings (where `?search=` may carry a NIK) out of the log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from tests.foundation.conftest import BASE_DIR, closed_port

NIK = "3509215708950012"


def test_the_access_log_has_the_path_but_not_the_query_string(tmp_path):
    port = closed_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "JSC_ENV": "local", "JSC_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jsc.wsgi", "-c", "python:jsc.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log)],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/docs/?search={NIK}")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        deadline = time.monotonic() + 10
        while "/api/docs/" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "nothing was logged"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    text = log.read_text()
    assert '"GET /api/docs/ HTTP/1.1" 200' in text
    assert NIK not in text
    assert "search" not in text
