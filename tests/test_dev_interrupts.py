"""Ctrl-C at the stages of `metergraph dev` before it is running: whatever the stage,
it stops, says so, exits 0 and leaves no process behind, and no part prints a traceback.
(tests/test_embedded_dev.py covers Ctrl-C once everything runs.)"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.test_embedded_dev import (
    METERGRAPH,
    DevProcess,
    alive,
    descendants,
    dev_env,
    free_port,
    group_is_empty,
    needs_proc,
    processes_mentioning,
)


class DevIgnoringSigint(DevProcess):
    """`metergraph dev` started as `cmd &` from a script starts it: SIGINT ignored."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str]):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [str(METERGRAPH), "dev", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        self.out, self.err = [], []
        self.readers = [
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True)
            for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()


def _until(condition, timeout: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _assert_stopped_clean(dev: DevProcess, data_dir: Path, children: set[int]) -> None:
    assert dev.out[-1] == "Metergraph stopped.", (dev.out, dev.err[-20:])
    assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in dev.err), dev.err[-40:]
    assert [pid for pid in children if alive(pid)] == []
    assert group_is_empty(dev.proc.pid)
    assert processes_mentioning(str(data_dir)) == []
    assert not (data_dir / "services.json").exists()


@needs_proc
def test_sigint_during_migrations_stops_dev_even_when_inherited_ignored(tmp_path):
    """Started in the background by a script, `dev` inherits SIGINT ignored; it honoured
    SIGINT once running but lost one sent while it started, and went on to run."""
    data_dir = tmp_path / "data"
    dev = DevIgnoringSigint(["--port", str(free_port()), "--data-dir", str(data_dir)], cwd=tmp_path, env=dev_env())
    try:
        # Both embedded services are up: the fresh database is being migrated.
        _until(lambda: (data_dir / "redis.state.json").exists() or dev.proc.poll() is not None)
        children = descendants(dev.proc.pid)
        dev.proc.send_signal(signal.SIGINT)
        assert dev.wait(timeout=60) == 0
    finally:
        dev.kill_leftovers()
    assert not any(line.startswith("Metergraph is running") for line in dev.out), dev.out
    _assert_stopped_clean(dev, data_dir, children)


@needs_proc
def test_ctrl_c_while_the_api_and_worker_start_prints_no_traceback(tmp_path):
    """A terminal's Ctrl-C reaches the API and the worker too; while they are still
    importing they used to die of it with a KeyboardInterrupt traceback each."""
    data_dir = tmp_path / "data"
    dev = DevProcess(["--port", str(free_port()), "--data-dir", str(data_dir)], cwd=tmp_path, env=dev_env())
    try:
        _until(lambda: dev.children("app.cli serve") and dev.children("app.cli worker") or dev.proc.poll() is not None)
        time.sleep(0.5)  # past the interpreter's start: into the imports of the command
        children = descendants(dev.proc.pid)
        assert dev.interrupt(whole_group=True) == 0
    finally:
        dev.kill_leftovers()
    _assert_stopped_clean(dev, data_dir, children)
