"""The one-command path on a fresh machine: `metergraph dev` with no DATABASE_URL or
REDIS_URL starts embedded PostgreSQL and Redis, migrates, bootstraps, serves, runs a
worker; Ctrl-C stops all of it and leaves no process behind. If a part dies, `dev` stops
everything, names the part and exits non-zero.

`DevProcess` is shared with the seed-to-bill walk-through (tests/test_dev_walkthrough.py).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app.http.console import is_built

ROOT = Path(__file__).resolve().parents[1]
METERGRAPH = ROOT / ".venv" / "bin" / "metergraph"
CREDENTIALS_MARK = "Administrator credentials (shown once, keep them): "
READY_MARK = "Ctrl-C stops everything."
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/task").exists(), reason="needs Linux /proc to find child processes"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def processes_mentioning(text: str) -> list[int]:
    return [int(p.name) for p in Path("/proc").glob("[0-9]*") if text in cmdline(int(p.name)) and alive(int(p.name))]


def group_is_empty(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def dev_env(**extra: str) -> dict[str, str]:
    """The user's environment without our test settings: dev decides everything itself."""
    drop = ("DATABASE_URL", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("METERGRAPH_")}
    return {**env, **extra}


class DevProcess:
    """`metergraph dev` as a user runs it (the virtual environment's entry point), in its
    own process group as in a terminal; its output is collected by two threads so that
    the children sharing the pipes never block on them."""

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
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True)
            for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _drain(stream, sink: list[str]) -> None:  # noqa: ANN001
        for line in stream:
            sink.append(line.rstrip("\n"))

    def wait_for(self, mark: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.out):
                if mark in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{mark!r} never printed; stdout: {self.out}; stderr: {self.err[-40:]}")

    def credentials(self) -> dict:
        self.wait_for(READY_MARK)
        return json.loads(self.wait_for(CREDENTIALS_MARK).split(CREDENTIALS_MARK, 1)[1])

    def children(self, text: str) -> list[int]:
        return [pid for pid in descendants(self.proc.pid) if text in cmdline(pid)]

    def interrupt(self, *, whole_group: bool, timeout: float = 60) -> int:
        """Ctrl-C: to the whole foreground group as a terminal does, or to `dev` alone."""
        if self.proc.poll() is None:
            if whole_group:
                os.killpg(self.proc.pid, signal.SIGINT)
            else:
                self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout: float = 60) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise
        for reader in self.readers:  # the last lines, once every writer has closed the pipes
            reader.join(timeout=10)
        return code

    def kill_leftovers(self) -> None:
        """Last resort after a failed test: nothing of ours may outlive it."""
        for pid in descendants(self.proc.pid) | {self.proc.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def request(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, json.loads(response.read())


def token(base: str, credentials: dict) -> str:
    basic = base64.b64encode(f"{credentials['accessKeyId']}:{credentials['apiSecret']}".encode()).decode()
    _, body = request(
        base + "/oauth/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    return body["access_token"]


@needs_proc
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_dev_runs_everything_and_stops_clean(tmp_path, stop_signal):
    data_dir, port = tmp_path / "data", free_port()
    dev = DevProcess(["--port", str(port), "--data-dir", str(data_dir)], cwd=tmp_path, env=dev_env())
    try:
        credentials = dev.credentials()
        assert set(credentials) == {"organizationId", "accessKeyId", "apiSecret"}
        # A few clean lines: what runs where, then the credentials; no log noise before them.
        banner = dev.out[: dev.out.index(next(x for x in dev.out if x.startswith(CREDENTIALS_MARK)))]
        console = ["Console"] if is_built() else []  # once `make console` has built it
        expected = ["API", "GraphiQL", *console, "PostgreSQL", "Redis", "Workers"]
        assert [line.split()[0] for line in banner[1:]] == expected
        assert banner[-1].split() == ["Workers", "1"]
        assert not any("Tortoise-ORM shutdown" in line for line in dev.out + dev.err), dev.err
        base = f"http://127.0.0.1:{port}"
        assert request(base + "/healthz") == (200, {"status": "ok", "database": "ok", "redis": "ok"})
        query = json.dumps({"query": "{ me { organizationId } organizationConfig { currency } }"}).encode()
        headers = {"Authorization": f"Bearer {token(base, credentials)}", "Content-Type": "application/json"}
        _, result = request(base + "/graphql", data=query, headers=headers)
        assert result == {
            "data": {"me": {"organizationId": credentials["organizationId"]}, "organizationConfig": {"currency": "USD"}}
        }
        children = descendants(dev.proc.pid)
        assert len(dev.children("app.cli serve")) == 1 and len(dev.children("app.cli worker")) == 1
        assert len(children) >= 4, "API, worker, PostgreSQL and Redis run as children of dev"
        dev.proc.send_signal(stop_signal)  # to dev alone: it stops the others
        assert dev.wait() == 0, dev.err
    finally:
        dev.kill_leftovers()
    assert [pid for pid in children if alive(pid)] == []
    assert group_is_empty(dev.proc.pid)
    assert processes_mentioning(str(data_dir)) == []
    assert not (data_dir / "services.json").exists()
    assert dev.out[-1] == "Metergraph stopped."


def _banner_pid(dev: DevProcess, label: str) -> int:
    line = next(x for x in dev.out if x.startswith(f"  {label}"))
    return int(line.split("(pid ", 1)[1].split(")", 1)[0])


@needs_proc
@pytest.mark.parametrize("part", ["the worker", "the API", "embedded PostgreSQL"])
def test_dev_stops_everything_and_names_the_part_that_died(tmp_path, part):
    data_dir, port = tmp_path / "data", free_port()
    dev = DevProcess(["--port", str(port), "--data-dir", str(data_dir)], cwd=tmp_path, env=dev_env())
    try:
        dev.wait_for(READY_MARK)
        [victim] = {
            "the worker": lambda: dev.children("app.cli worker"),
            "the API": lambda: dev.children("app.cli serve"),
            "embedded PostgreSQL": lambda: [_banner_pid(dev, "PostgreSQL")],
        }[part]()
        children = descendants(dev.proc.pid)
        os.kill(victim, signal.SIGKILL)
        assert dev.wait(timeout=60) == 1
    finally:
        dev.kill_leftovers()
    assert any(
        line.startswith(f"metergraph dev: {part} (pid {victim}) was killed by signal SIGKILL")
        and line.endswith("stopping everything.")
        for line in dev.err
    ), dev.err[-5:]
    assert [pid for pid in children if alive(pid)] == []
    assert group_is_empty(dev.proc.pid)
    assert processes_mentioning(str(data_dir)) == []


def test_dev_refuses_a_port_in_use_before_starting_anything(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(METERGRAPH), "dev", "--port", str(port), "--data-dir", str(tmp_path / "data")],
            cwd=tmp_path,
            env=dev_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"metergraph dev: port {port} is already in use; choose another with --port" in result.stderr
    assert not (tmp_path / "data").exists()
