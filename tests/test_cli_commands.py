"""The production commands as an operator runs them, with DATABASE_URL / REDIS_URL
(CONTRACT §1): `migrate` twice, `bootstrap --org` printing exactly one JSON object, and
`serve` against a database that does not answer (it starts, says so, and /healthz names
the database, CONTRACT §2)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from app.db import asyncpg_url

ROOT = Path(__file__).resolve().parents[1]
METERGRAPH = ROOT / ".venv" / "bin" / "metergraph"
DEAD_DATABASE = "postgresql://postgres@127.0.0.1:1/metergraph"


def environment(**env: str) -> dict[str, str]:
    names = ("DATABASE_URL", "REDIS_URL", "PORT")
    base = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("METERGRAPH_")}
    return {**base, **env}


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(METERGRAPH), *args], cwd=cwd, env=environment(**env), capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def fresh_database(service_urls):
    server = asyncpg_url(service_urls[0])
    name = f"metergraph_cli_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(server)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_migrate_twice_then_bootstrap_prints_one_json_object(tmp_path, fresh_database):
    # Neither needs Redis: an operator migrates before Redis is even up.
    for _ in range(2):
        done = run("migrate", "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=fresh_database)
        assert (done.returncode, done.stdout) == (0, "Migrations applied.\n"), done.stderr
    done = run(
        "bootstrap", "--org", "  Acme Billing ", "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=fresh_database
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1  # one line: the JSON object, nothing else on stdout
    credentials = json.loads(done.stdout)
    assert list(credentials) == ["organizationId", "accessKeyId", "apiSecret"]
    assert all(isinstance(value, str) and value for value in credentials.values())

    async def name() -> str:
        connection = await asyncpg.connect(fresh_database)
        try:
            return await connection.fetchval(
                "SELECT name FROM organizations WHERE id = $1", credentials["organizationId"]
            )
        finally:
            await connection.close()

    assert asyncio.run(name()) == "Acme Billing"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _health(port: int, deadline: float) -> tuple[int, dict]:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_with_an_unreachable_database_starts_says_so_and_healthz_names_it(tmp_path, service_urls):
    port = _free_port()
    env = environment(DATABASE_URL=DEAD_DATABASE, REDIS_URL=service_urls[1])
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path)]
    with subprocess.Popen([str(METERGRAPH), *args], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True) as serve:
        try:
            status, body = _health(port, time.monotonic() + 60)
        finally:
            serve.terminate()
            err = serve.communicate(timeout=30)[1]
    assert (status, body) == (
        503,
        {"status": "error", "database": "unavailable", "redis": "ok", "message": "the database cannot be reached"},
    )
    assert f"cannot reach PostgreSQL at {DEAD_DATABASE} (DATABASE_URL)" in err
    assert "/healthz answers 503 until it answers" in err
    assert "Traceback" not in err
