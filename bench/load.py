"""A small closed-loop HTTP load client: N clients, each one keep-alive connection,
each sending its next request as soon as the last one is answered, for a fixed time.

Bounded by design (no open-loop arrival rate that could pile up unboundedly on a
2-core machine), and nothing to install: http.client and threads.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable


def drive(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Callable[[], bytes] | None,
    expect: int,
    *,
    clients: int,
    seconds: float,
) -> dict:
    """Latencies (seconds) of the answered requests, errors, and the elapsed time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            payload = body() if body else None
            started = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "errors": errors[0],
        "elapsed": time.perf_counter() - began,
    }
