"""Watching the parts of `metergraph dev`: never half alive.

Each part is a child process: the API and the worker(s) run the same `metergraph serve`
and `metergraph worker` code paths production uses, in our process group (a terminal's
Ctrl-C reaches them too); embedded PostgreSQL and Redis run in their own sessions and
are stopped by `EmbeddedServices.stop()`. `watch()` returns when a stop signal arrives
or as soon as any part exits, naming it and why; the caller then stops everything.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import _proc

POLL_SECONDS = 0.1
# A terminal's Ctrl-C reaches the API and workers at the same moment as us; one that
# exits on it before our handler has run is stopping, not dying.
SETTLE_SECONDS = 0.5
STOP_TIMEOUT = 10.0


@dataclass
class Part:
    """One process `dev` depends on: `poll()` gives its return code once it has exited."""

    name: str
    pid: int
    poll: Callable[[], int | None]
    log_hint: str = ""

    def why(self, code: int) -> str:
        if code < 0:
            try:
                return f"was killed by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"was killed by signal {-code}"
        return f"exited with code {code}"


@dataclass
class Children:
    """API and worker processes we spawned (stopped by `stop()`, also at interpreter exit)."""

    procs: list[subprocess.Popen] = field(default_factory=list)

    def spawn(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            # the kernel stops it if we are SIGKILLed (Linux)
            preexec_fn=_proc._pdeathsig_preexec(signal.SIGTERM),
        )
        self.procs.append(proc)
        _proc.register_stopper(proc.pid, lambda: self._stop_one(proc))
        return proc

    def _stop_one(self, proc: subprocess.Popen) -> None:
        _proc.stop_child(proc, signal.SIGTERM)

    def stop(self) -> None:
        """SIGTERM to all at once (uvicorn and arq finish gracefully), then wait; SIGKILL
        whatever is still there after STOP_TIMEOUT."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            _proc.forget(proc.pid)


def service_part(name: str, pid: int | None, log_hint: str) -> Part | None:
    """A Part for an embedded service started by `start_services` (None if not embedded)."""
    if pid is None:
        return None
    proc = _proc._CHILDREN.get(pid)
    if proc is None:
        return None
    return Part(name, pid, proc.poll, log_hint)


@contextlib.contextmanager
def stop_signals() -> Iterator[list[int]]:
    """While inside, SIGINT and SIGTERM are recorded (in the yielded list), not raised."""
    received: list[int] = []

    def record(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def first_death(parts: list[Part]) -> tuple[Part, int] | None:
    for part in parts:
        code = part.poll()
        if code is not None:
            return part, code
    return None


def watch(parts: list[Part], received: list[int], finished_ok: list[Part] = ()) -> tuple[Part, int] | None:
    """Block until a stop signal (returns None) or a part exits (returns it and its code).
    Parts in `finished_ok` (one-off tasks) may end with code 0; they are then let go."""
    parts, one_off = [*parts, *finished_ok], list(finished_ok)
    while not received:
        died = first_death(parts)
        if died is not None and died[0] in one_off and died[1] == 0:
            parts.remove(died[0])
            continue
        if died is not None:
            time.sleep(SETTLE_SECONDS)
            return None if received else died
        time.sleep(POLL_SECONDS)
    return None


def report_death(part: Part, code: int) -> None:
    hint = f" (see {part.log_hint})" if part.log_hint else ""
    print(
        f"metergraph dev: {part.name} (pid {part.pid}) {part.why(code)}{hint}; stopping everything.",
        file=sys.stderr,
        flush=True,
    )
