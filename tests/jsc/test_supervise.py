"""bin/supervise, which `make run` (and the fault-injection suite) run the worker under:
a process that dies is started again; TERM stops it and its children, then itself."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from tests.support import BASE_DIR


def started(log_path) -> list[int]:
    return [int(p) for p in re.findall(r"started \(pid (\d+)\)", log_path.read_text())]


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_killed_process_is_started_again_and_term_stops_everything(tmp_path):
    log = tmp_path / "supervise.log"
    with open(log, "w") as out:
        supervisor = subprocess.Popen(
            [str(BASE_DIR / "bin" / "supervise"), "sleeper", "sleep", "300"],
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        assert wait_for(lambda: len(started(log)) == 1)
        (first,) = started(log)
        # The line is written as the command is forked; its group exists once it is running.
        assert wait_for(lambda: group_of(first) == first)

        os.killpg(first, signal.SIGKILL)  # the worker and its pool, as the OOM killer would

        assert wait_for(lambda: len(started(log)) == 2), log.read_text()
        second = started(log)[1]
        assert second != first and alive(second)
        assert "exited with status 137" in log.read_text()

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=10) == 0
        assert wait_for(lambda: not alive(second))
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
