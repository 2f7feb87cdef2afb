"""The service as it runs in production, on this machine, for the fault-injection suite.

A PostgreSQL of its own (initdb into a temporary folder, its own port: the shared one on
5432 is never touched), a Redis of its own on its own port (append-only, as in
docker-compose.yml), and web (gunicorn), worker and beat each under ``bin/supervise``,
which restarts them as docker-compose's ``restart: unless-stopped`` does. The fake FCM
runs in the test process. Every process starts in a group of its own, so a fault can
SIGKILL one service with its children and nothing else.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    def __init__(self, root: Path, *, fcm_url: str, credentials: Path, scan_every: int) -> None:
        self.root = root
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.pg_dir = root / "pg"
        self.redis_dir = root / "redis"
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "JSC_ENV": "local",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/jsc",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "FIREBASE_CREDENTIALS": str(credentials),
            "FCM_ENDPOINT": fcm_url,
            "ALERT_SCAN_INTERVAL_SECONDS": str(scan_every),
            "PUSH_CREDENTIAL_PAUSE_SECONDS": "10",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        }
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self._db: psycopg.Connection | None = None

    # -- PostgreSQL -------------------------------------------------------------------------

    def start_postgres(self) -> None:
        if not (self.pg_dir / "PG_VERSION").exists():
            self.pg_dir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres")
                shutil.chown(self.pg_dir, "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(self.pg_dir),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        self._pg_ctl("start", "-w", "-t", "60")
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres"]
            + ["jsc"],
            capture_output=True,
        )

    def _pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {self.pg_port} -k {self.pg_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir), "-o", options]
                + ["-l", str(self.pg_dir / "server.log"), *args]
            ),
            check=True,
            capture_output=True,
        )

    def restart_postgres(self) -> None:
        """A crash and a start: every connection drops, recovery runs."""
        self._pg_ctl("stop", "-m", "immediate", "-w")
        self._drop_db()
        self._pg_ctl("start", "-w", "-t", "60")

    def stop_postgres(self) -> None:
        self._drop_db()
        if (self.pg_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate", "-w")

    def drop_db_connections(self) -> int:
        """What a network blip or a failover does to every open connection."""
        rows = self.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = 'jsc' AND pid <> pg_backend_pid()"
        )
        return len(rows)

    def sql(self, query: str, params=None) -> list[tuple]:
        for _attempt in range(60):
            try:
                if self._db is None or self._db.closed:
                    self._db = psycopg.connect(
                        f"host=127.0.0.1 port={self.pg_port} user=postgres dbname=jsc",
                        autocommit=True,
                        connect_timeout=5,
                    )
                with self._db.cursor() as cur:
                    cur.execute(query, params)
                    return cur.fetchall() if cur.description else []
            except psycopg.OperationalError:
                self._drop_db()
                time.sleep(0.5)
        raise RuntimeError("the suite's PostgreSQL did not come back")

    def _drop_db(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:
                pass
            self._db = None

    # -- Redis ------------------------------------------------------------------------------

    def start_redis(self) -> None:
        self.redis_dir.mkdir(exist_ok=True)
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.redis_dir), "--appendonly", "yes", "--save", ""],
        )
        self._wait_for_port(self.redis_port)

    def stop_redis(self) -> None:
        self.stop("redis", signal.SIGTERM)

    # -- the service ------------------------------------------------------------------------

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start_web(self) -> None:
        self._supervised(
            "web",
            ["gunicorn", "jsc.wsgi", "-c", "python:jsc.gunicorn_conf"]
            + ["--bind", f"127.0.0.1:{self.web_port}", "--workers", "2"],
        )
        self._wait_for_port(self.web_port)

    def start_worker(self) -> None:
        self._supervised(
            "worker",
            ["celery", "-A", "jsc", "worker", "--loglevel", "INFO", "--concurrency", "2"]
            + ["--hostname", "worker@chaos"],
        )

    def start_beat(self, name: str = "beat") -> None:
        schedule = self.root / f"{name}-schedule"
        self._supervised(
            name,
            ["celery", "-A", "jsc", "beat", "--loglevel", "INFO", "--pidfile="]
            + ["--schedule", str(schedule)],
        )

    def kill_service(self, name: str) -> int:
        """SIGKILL the process a supervisor runs, with its children; the supervisor starts
        it again. Returns the killed process id."""
        pid = self.supervised_pid(name)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def supervised_pid(self, name: str) -> int:
        text = (self.logs / f"{name}.log").read_text(errors="replace")
        return int(re.findall(rf"supervise: {name} started \(pid (\d+)\)", text)[-1])

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    # -- processes --------------------------------------------------------------------------

    def _supervised(self, name: str, cmd: list[str]) -> None:
        self._spawn(name, [str(REPO / "bin" / "supervise"), name, *cmd])

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (lives with the process)
        self.procs[name] = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything of its group left behind
        except ProcessLookupError:
            pass

    def _wait_for_port(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"nothing listens on port {port}")

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        self.stop_postgres()
