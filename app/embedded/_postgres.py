"""Embedded PostgreSQL: pgserver's bundled binaries, driven directly.

We do not use pgserver.get_server(): it shares one server between processes
through a pid list on disk and stops it from an atexit hook of whichever
process is last, which neither survives SIGKILL nor lets us stop the server
at a moment we choose.  We run `initdb` and the `postgres` binary ourselves
and keep the postmaster as our own child process.

Layout in the data directory:
    postgres/              PGDATA (also holds the unix socket, see below)
    postgres.log           initdb + server output (rotated once past 5 MB)
    postgres.state.json    pid of the postmaster and of the process that owns it

The server listens on no TCP address, only on `<socket dir>/.s.PGSQL.5432`.
The socket dir is PGDATA unless that path is too long for a unix socket or
needs URL quoting; then it is /tmp/metergraph-<hash of data dir>/pg.

Root: postgres refuses to run as root.  Like pgserver, we then run initdb and
postgres as an unprivileged system user: `pgserver` (created with useradd if
missing; the user pgserver itself uses), or the user named by
METERGRAPH_PG_OS_USER, or - if PGDATA already exists and belongs to a non-root
user - its owner.  PGDATA is owned by that user; everything else in the data
directory stays root's.  That user must also reach PGDATA, whose ancestors may
well be 0700 root directories (/root, /tmp/pytest-of-root).  pgserver adds
o+rx to every ancestor; we do not touch them on Linux: the child is started
with its working directory already set to PGDATA (subprocess chdirs before it
drops privileges) and is given `-D /proc/self/cwd` (and `-k /proc/self/cwd`),
a magic link that resolves without search permission on the real ancestors -
for every later absolute-path access too (pg_control at each checkpoint), so a
later `chmod 700` of an ancestor (pytest resets /tmp/pytest-of-root to 0700 at
each session start) cannot break a running server.  The cost is cosmetic:
postmaster.pid and SHOW data_directory say /proc/self/cwd.  Elsewhere (macOS
as root) missing o+x is added to the ancestors instead.  The pgserver install
itself must be readable by that user; missing o+x/o+r there is added as
pgserver does.  Clients (we, as root) reach the 0700 socket anyway.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from . import _files, _proc
from ._pg_install import make_install_usable, os_user, pg_bin

log = logging.getLogger("metergraph.services")


PG_PORT = 5432  # unix socket only, so the number never conflicts
PG_USER = "postgres"
PG_DATABASE = "metergraph"
# See the module docstring: how a privilege-dropped postgres names PGDATA.
_PROC_CWD = "/proc/self/cwd"
_HAVE_PROC_CWD = os.path.isdir(_PROC_CWD)

_ENSURE_DB_SQL = (
    f"SELECT 'CREATE DATABASE {PG_DATABASE}' "
    f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{PG_DATABASE}')\\gexec\n"
)


# -------------------------------------------------------------- initdb ----
def _initdb(data_dir: Path, pgdata: Path, run_as: tuple[int, int] | None, log_path: Path) -> None:
    """initdb into a scratch dir, then rename: PGDATA either is complete or
    does not exist, even if a previous initdb was interrupted.

    --no-sync halves the first start (~0.6 s instead of ~1.2 s here): the
    fresh, still empty cluster is only at risk if the machine loses power
    before the kernel writes it back (seconds); the server fsyncs normally
    from then on.  --no-locale (C collation) + UTF8 gives the same behaviour
    on every machine; TZ=UTC makes UTC the server's default time zone."""
    if (pgdata / "PG_VERSION").exists():
        return
    if pgdata.exists() and any(pgdata.iterdir()):
        raise RuntimeError(f"{pgdata} exists but is not a PostgreSQL data directory")
    scratch = data_dir / "postgres.initdb-tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    kwargs: dict = {}
    if run_as:
        os.chown(scratch, *run_as)
        kwargs.update(user=run_as[0], group=run_as[1], extra_groups=[])
    with open(log_path, "ab") as out:
        rc = subprocess.run(
            [
                str(pg_bin() / "initdb"),
                "-D",
                _pgdata_arg(scratch, run_as),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(scratch),
            env=_proc.child_env() | {"TZ": "UTC"},
            timeout=120,
            **kwargs,
        ).returncode
    if rc != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise RuntimeError(f"initdb failed (exit {rc}):\n{_files.log_tail(log_path)}")
    if pgdata.exists():
        pgdata.rmdir()  # empty, checked above
    os.rename(scratch, pgdata)


def _pgdata_arg(pgdata: Path, run_as: tuple[int, int] | None) -> str:
    """How the (possibly privilege-dropped) child, started with cwd=pgdata,
    should name its data directory."""
    return _PROC_CWD if run_as and _HAVE_PROC_CWD else str(pgdata)


# ------------------------------------------------------- stale servers ----
def _postmaster_pid_file(pgdata: Path) -> list[str]:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return []


def _is_postgres_on(pid: int, pgdata: Path) -> bool:
    try:
        p = _proc.psutil.Process(pid)
        try:
            return Path(p.cwd()).resolve() == pgdata.resolve()  # postmaster chdirs to PGDATA
        except _proc.psutil.AccessDenied:
            return "postgres" in p.name()
    except _proc.psutil.Error:
        return False


def _clear_stale(data_dir: Path, pgdata: Path) -> None:
    _proc.reclaim(data_dir / "postgres.state.json", "PostgreSQL", signal.SIGINT)
    lines = _postmaster_pid_file(pgdata)
    if not lines or not lines[0].strip().isdigit():
        return
    pid = int(lines[0])
    if not _proc.alive(pid):
        if _proc.psutil.pid_exists(pid):
            # an unreaped zombie: postgres would take it for a live postmaster
            (pgdata / "postmaster.pid").unlink(missing_ok=True)
        # else dead (e.g. SIGKILLed): leave postmaster.pid alone, postgres
        # replaces it itself after checking the old shared memory is unused
        return
    if _is_postgres_on(pid, pgdata):
        raise RuntimeError(
            f"a PostgreSQL server not started by this metergraph process is running "
            f"on {pgdata} (pid {pid}); stop it first: {pg_bin() / 'pg_ctl'} -D {pgdata} stop"
        )
    # pid reused by an unrelated process: postgres would refuse to start
    log.warning("removing stale %s (pid %s is not a postgres)", pgdata / "postmaster.pid", pid)
    (pgdata / "postmaster.pid").unlink(missing_ok=True)


# --------------------------------------------------------------- start ----
def _socket_dir(data_dir: Path, pgdata: Path, run_as: tuple[int, int] | None) -> Path:
    if _files.socket_path_ok(pgdata / f".s.PGSQL.{PG_PORT}"):
        return pgdata
    sock_dir = _files.short_runtime_dir(data_dir) / "pg"
    sock_dir.mkdir(mode=0o700, exist_ok=True)
    if run_as:
        os.chown(sock_dir, *run_as)
    if not _files.socket_path_ok(sock_dir / f".s.PGSQL.{PG_PORT}"):
        raise RuntimeError(f"no usable unix socket directory for {data_dir}")
    return sock_dir


def _ensure_database(sock_dir: Path) -> bool:
    r = subprocess.run(
        [
            str(pg_bin() / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(sock_dir),
            "-p",
            str(PG_PORT),
            "-U",
            PG_USER,
            "-d",
            "postgres",
        ],
        input=_ENSURE_DB_SQL.encode(),
        capture_output=True,
        env=_proc.child_env(),
        timeout=30,
    )
    return r.returncode == 0


def start_embedded_postgres(data_dir: Path, *, timeout: float = 30.0) -> tuple[str, Callable[[], None]]:
    """Start (initdb on first use) a PostgreSQL server in data_dir/postgres
    and make sure database 'metergraph' exists.  Returns (url, stop) where
    url is postgresql://postgres@/metergraph?host=<socket dir> and stop is
    an idempotent ServiceHandle (fast shutdown, then SIGQUIT, then SIGKILL)."""
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "postgres"
    log_path = data_dir / "postgres.log"
    state_path = data_dir / "postgres.state.json"
    deadline = time.monotonic() + timeout

    with _files.locked(data_dir, timeout):
        run_as = os_user(pgdata)
        if run_as:
            make_install_usable(*run_as)
            if not _HAVE_PROC_CWD:
                _files.grant_traverse(data_dir, *run_as)
            if pgdata.exists() and pgdata.stat().st_uid != run_as[0]:
                os.chown(pgdata, *run_as)  # postgres checks PGDATA's owner only
        _files.prepare_log(log_path)
        _initdb(data_dir, pgdata, run_as, log_path)
        sock_dir = _socket_dir(data_dir, pgdata, run_as)
        _clear_stale(data_dir, pgdata)

        pgdata_arg = _pgdata_arg(pgdata, run_as)
        sock_arg = pgdata_arg if sock_dir == pgdata else str(sock_dir)
        argv = [
            str(pg_bin() / "postgres"),
            "-D",
            pgdata_arg,
            "-p",
            str(PG_PORT),
            "-k",
            sock_arg,
            "-h",
            "",
            "-c",
            "unix_socket_permissions=0700",
        ]
        proc = None
        try:
            while True:
                offset = _files.prepare_log(log_path)
                proc = _proc.launch(argv, log_path=log_path, cwd=pgdata, death_signal=signal.SIGINT, run_as=run_as)
                if _wait_ready(proc, pgdata, sock_dir, deadline):
                    break
                tail = _files.log_tail(log_path, offset)
                # backends of a SIGKILLed postmaster may still hold the old
                # shared memory for a moment: retry until the deadline
                if "shared memory block" in tail and time.monotonic() < deadline:
                    _proc.stop_child(proc, signal.SIGINT)
                    _proc.forget(proc.pid)
                    time.sleep(0.2)
                    continue
                what = (
                    f"exited with code {proc.returncode}"
                    if proc.poll() is not None
                    else f"did not accept connections within {timeout:.0f}s"
                )
                raise RuntimeError(f"embedded PostgreSQL {what} (log {log_path}):\n{tail}")

            def _stop() -> None:
                # SIGINT = "fast" shutdown (SIGTERM would wait for clients to leave)
                _proc.stop_child(proc, signal.SIGINT, then=(signal.SIGQUIT,))
                _proc.remove_state(state_path, proc.pid)

            handle = _proc.ServiceHandle(proc.pid, _stop)
            _proc.register_stopper(proc.pid, handle)
            _proc.write_state(state_path, proc.pid)
        except BaseException:
            if proc is not None:
                _proc.stop_child(proc, signal.SIGINT, then=(signal.SIGQUIT,))
                _proc.forget(proc.pid)
            raise

    return f"postgresql://{PG_USER}@/{PG_DATABASE}?host={sock_dir}", handle


def _wait_ready(proc: subprocess.Popen, pgdata: Path, sock_dir: Path, deadline: float) -> bool:
    """Poll until the server says 'ready' in postmaster.pid and a real
    connection (creating the database if needed) succeeds.  False if the
    process exited or the deadline passed."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        lines = _postmaster_pid_file(pgdata)
        if len(lines) >= 8 and lines[0].strip() == str(proc.pid) and lines[7].strip() == "ready":
            if _ensure_database(sock_dir):
                return True
        time.sleep(0.02)
    return False
