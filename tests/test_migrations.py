"""Migrations apply to a database that already holds rows, as every deployment's does.

The suite migrates empty databases, where adding a NOT NULL column without a database
default succeeds; on a deployment (or a `make dev` data directory) with rows in the table
the same migration fails and the API cannot start. Tortoise's `default` is only the ORM's:
the column needs `db_default` for PostgreSQL to fill the existing rows.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
from tortoise.fields.base import DB_DEFAULT_NOT_SET
from tortoise.migrations import operations as ops

import migrations
from app.db import asyncpg_url
from tests.conftest import _with_database


def added_fields() -> list[tuple[str, ops.AddField]]:
    found = []
    for module in sorted(pkgutil.iter_modules(migrations.__path__), key=lambda m: m.name):
        migration = importlib.import_module(f"migrations.{module.name}").Migration
        found += [(module.name, op) for op in migration.operations if isinstance(op, ops.AddField)]
    return found


def test_every_added_column_is_nullable_or_has_a_database_default():
    fields = added_fields()
    assert any(name == "0027_token_generation" for name, _ in fields)  # the list is read
    missing = [
        f"{name}: {op.model_name}.{op.name}"
        for name, op in fields
        if not op.field.null and op.field.db_default is DB_DEFAULT_NOT_SET
    ]
    assert missing == []


ROOT = Path(__file__).resolve().parents[1]
# Up to the named migration, in a process of its own: Tortoise's connections are global,
# and this session's app holds them for the test database.
MIGRATE_TO = """
import asyncio, sys
from tortoise.migrations.api.migrate import migrate
from app.db import tortoise_config
asyncio.run(migrate(config=tortoise_config(sys.argv[1]), target=sys.argv[2]))
"""


@pytest.fixture
async def scratch_database_url(service_urls):
    server = asyncpg_url(service_urls[0])
    name = f"metergraph_migrations_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server, name)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def run(*command: str, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


async def test_token_generations_are_added_to_existing_users_and_keys(scratch_database_url):
    """0027 over a database written before it, then `metergraph migrate`, as an upgrade runs it."""
    url = scratch_database_url
    run(sys.executable, "-c", MIGRATE_TO, url, "metergraph.0026_webhook_active_since", url=url)
    organization = uuid.uuid4()
    conn = await asyncpg.connect(url)
    try:
        assert not await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'token_generation'"
        )
        await conn.execute(
            """INSERT INTO users (id, organization_id, version, dt_created, dt_last_modified, email, first_name,
                   last_name, status) VALUES ($1, $2, 1, now(), now(), 'ada@example.com', 'Ada', 'L', 'ACTIVE')""",
            uuid.uuid4(),
            organization,
        )
        await conn.execute(
            """INSERT INTO access_keys (id, organization_id, version, dt_created, dt_last_modified, service_user_id,
                   access_key_id, secret_hash, status) VALUES ($1, $2, 1, now(), now(), $3, 'KEY', 'h', 'ACTIVE')""",
            uuid.uuid4(),
            organization,
            uuid.uuid4(),
        )
    finally:
        await conn.close()

    run(sys.executable, "-m", "app.cli", "migrate", url=url)

    conn = await asyncpg.connect(url)
    try:
        generations = await conn.fetch(
            "SELECT token_generation FROM users UNION ALL SELECT token_generation FROM access_keys"
        )
    finally:
        await conn.close()
    assert [row["token_generation"] for row in generations] == [0, 0]
