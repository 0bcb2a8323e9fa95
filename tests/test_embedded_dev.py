"""The one-command path on a fresh machine: `metergraph dev` with no DATABASE_URL or
REDIS_URL starts embedded PostgreSQL and Redis, migrates, bootstraps, serves; Ctrl-C
stops all of it and leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CREDENTIALS_MARK = "Administrator credentials (shown once, keep them): "


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if text.encode() in (proc / "cmdline").read_bytes() and _alive(int(proc.name)):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _read_until(proc: subprocess.Popen, mark: str, timeout: float) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line.rstrip("\n"))
        if mark in line:
            return lines
    raise AssertionError(f"'{mark}' never printed; output so far: {lines}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}")


def _request(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find child processes")
def test_dev_runs_everything_and_stops_clean(tmp_path):
    data_dir = tmp_path / "data"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "METERGRAPH_SECRET_KEY")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "dev", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = _read_until(proc, CREDENTIALS_MARK, timeout=120)
        credentials = json.loads(lines[-1].split(CREDENTIALS_MARK, 1)[1])
        assert set(credentials) == {"organizationId", "accessKeyId", "apiSecret"}
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, health = _request(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "API never answered"
                time.sleep(0.2)
        assert (status, health) == (200, {"status": "ok", "database": "ok", "redis": "ok"})

        import base64

        basic = base64.b64encode(f"{credentials['accessKeyId']}:{credentials['apiSecret']}".encode()).decode()
        _, token = _request(base + "/oauth/token", data=b"grant_type=client_credentials",
                            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
        query = json.dumps({"query": "{ me { organizationId } organizationConfig { currency } }"}).encode()
        _, result = _request(base + "/graphql", data=query,
                             headers={"Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/json"})
        assert result == {"data": {"me": {"organizationId": credentials["organizationId"]}, "organizationConfig": {"currency": "USD"}}}

        children = _descendants(proc.pid)
        assert children, "dev should have started PostgreSQL and Redis as child processes"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert [pid for pid in children if _alive(pid)] == []
    assert _processes_mentioning(str(data_dir)) == []
    assert not (data_dir / "services.json").exists()
