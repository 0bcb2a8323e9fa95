"""Shared benchmark plumbing: a throwaway database, a served API, and a lean HTTP load
generator running in its own process (so the server keeps one core to itself).

Uses DATABASE_URL / REDIS_URL when set, otherwise embedded services in a temp directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import asyncpg_url  # noqa: E402

SECRET_KEY = "metergraph-bench-secret-key-" + "b" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def services() -> Iterator[tuple[str, str]]:
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database_url and redis_url:
        yield database_url, redis_url
        return
    from app.embedded import start_services

    with tempfile.TemporaryDirectory() as tmp:
        running = start_services(Path(tmp), database_url=database_url, redis_url=redis_url)
        try:
            yield running.database_url, running.redis_url
        finally:
            running.stop()


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    import asyncpg

    name = f"metergraph_bench_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(asyncpg_url(server_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(asyncpg_url(server_url))
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def env_for(database_url: str, redis_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "METERGRAPH_SECRET_KEY": SECRET_KEY,
        "METERGRAPH_DATA_DIR": data_dir,
    }


def metergraph(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


@contextlib.contextmanager
def served_api(env: dict[str, str]) -> Iterator[str]:
    with served_api_process(env) as (base, _):
        yield base


@contextlib.contextmanager
def served_api_process(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """The API served by uvicorn in a process of its own: (base URL, the process), so that
    a benchmark can read the server's CPU time (`process_cpu_seconds`)."""
    port = free_port()
    proc = subprocess.Popen(
        # Warnings only: uvicorn's access log line per request (INFO) costs a few percent of
        # a trivial request; deployments that want it keep the default level.
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(env["METERGRAPH_DATA_DIR"], "api.log"), "w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=1).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(
                    "the API did not become healthy: "
                    + open(os.path.join(env["METERGRAPH_DATA_DIR"], "api.log")).read()[-2000:]
                )
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def client_token(base: str, key_id: str, secret: str) -> str:
    import base64

    request = urllib.request.Request(base + "/oauth/token", data=b"grant_type=client_credentials", method="POST")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode())
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    return json.loads(urllib.request.urlopen(request).read())["access_token"]


RAISE_LIMITS = """mutation($input: UpdateOrganizationConfigInput!) {
  updateOrganizationConfig(input: $input) { userErrors { field message } } }"""


def raise_rate_limits(base: str, token: str) -> None:
    """Benchmarks measure throughput, not the limiter: lift the organization's limits to
    their maximum (the limiter's own cost, one Redis round trip, still counts)."""

    def post(query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            base + "/graphql", method="POST", data=json.dumps({"query": query, "variables": variables or {}}).encode()
        )
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
        return json.loads(urllib.request.urlopen(request).read())

    version = post("{ organizationConfig { version } }")["data"]["organizationConfig"]["version"]
    most = {"requestsPerSecond": 100_000, "burst": 100_000}
    limits = {
        name: most
        for name in ("graphqlPerOrganization", "graphqlPerAccessKey", "ingestPerOrganization", "ingestPerAccessKey")
    }
    result = post(RAISE_LIMITS, {"input": {"version": version, "rateLimits": limits}})
    errors = result.get("errors") or result["data"]["updateOrganizationConfig"]["userErrors"]
    if errors:
        raise RuntimeError(f"could not raise the rate limits: {errors}")


# --- load generator -------------------------------------------------------------------


async def _connection(host: str, port: int, raw: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            writer.write(raw)  # one request at a time per connection, as real clients send them
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(_content_length(head))
            counts[0 if head[9:12] == b"200" else 1] += 1
    finally:
        writer.close()


def _content_length(head: bytes) -> int:
    """The response's Content-Length (0 when absent): one scan of the head, so the load
    generator spends as little as it can per response."""
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    return int(head[at + 17 : head.index(b"\r\n", at + 2)])


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(url: str, method: str, body: bytes, headers: dict[str, str], seconds: float, connections: int, out) -> None:  # noqa: ANN001
    parts = urlsplit(url)
    head = [f"{method} {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    counts = [0, 0]

    async def main() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(
            *(_connection(parts.hostname, parts.port, raw, stop_at, counts) for _ in range(connections))
        )

    # uvloop (installed with uvicorn's extras), as the server runs: the client's own cost
    # per request must stay well below the server's, or the figure measures the client.
    try:
        import uvloop

        run = uvloop.run
    except ImportError:
        run = asyncio.run
    started, started_cpu = time.perf_counter(), time.process_time()
    run(main())
    out.put((counts[0], counts[1], time.perf_counter() - started, time.process_time() - started_cpu))


@dataclasses.dataclass(frozen=True)
class Load:
    """One load run: successful requests per second, failed responses, and where the CPU
    went: the load generator's share of its own core (near 1.0: the client was the limit)
    and the server's CPU per successful request (None without its pid)."""

    per_second: float
    failed: int
    client_cpu_share: float
    server_cpu_us_per_request: float | None


def load(
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    seconds: float = 10.0,
    connections: int = 16,
    server_pid: int | None = None,
) -> Load:
    """Requests from another process, one at a time per connection, for `seconds`."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_load, args=(url, method, body, headers or {}, seconds, connections, queue))
    server_before = process_cpu_seconds(server_pid) if server_pid else None
    proc.start()
    ok, failed, elapsed, client_cpu = queue.get()
    server_after = process_cpu_seconds(server_pid) if server_pid else None
    proc.join()
    server_us = None
    if server_before is not None and server_after is not None and ok:
        server_us = (server_after - server_before) / ok * 1e6
    return Load(ok / elapsed, failed, client_cpu / elapsed, server_us)


# --- results ---------------------------------------------------------------------------
# `make bench` (bench/run_all.py) runs every script here and reads the line each prints
# last: `RESULT {"bench": ..., "figures": [...]}`. BENCH=full asks for the long runs.


def full_mode() -> bool:
    return os.environ.get("BENCH", "short") == "full"


def redis_db(default: int) -> int:
    """The Redis logical database a benchmark's queue uses: BENCH_REDIS_DB when set (one
    for a whole `make bench`, so its workers never meet another program's queue)."""
    return int(os.environ.get("BENCH_REDIS_DB", default))


def with_redis_db(url: str, db: int) -> str:
    """`url` on logical database `db`. An embedded Redis (a `unix://` socket, started when
    REDIS_URL is unset) is the benchmark's own: left as it is."""
    parts = urlsplit(url)
    return (
        urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, "")) if parts.scheme.startswith("redis") else url
    )


def figure(name: str, value: float, target: str | None = None, *, unit: str = "") -> dict:
    """One measured figure; `target` like "<= 3.0" or ">= 4000" (None: reported only)."""
    met = None
    if target is not None:
        op, bound = target.split()
        met = value <= float(bound) if op == "<=" else value >= float(bound) if op == ">=" else None
    return {"name": name, "value": round(value, 4), "unit": unit, "target": target, "met": met}


def print_result(bench: str, figures: list[dict], **details: object) -> None:
    print("RESULT " + json.dumps({"bench": bench, "figures": figures, "details": details}), flush=True)
