"""How accepted batches and their measurements are laid down in PostgreSQL (issue #18):
what the ingest path relies on for its cost, checked on the real schema."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from app.db import connection
from tests.workers import (
    accepted_batch,
    ingest_queue,  # noqa: F401 - fixture
    make_meter,
)


async def _server_has_lz4(conn: asyncpg.Connection) -> bool:
    try:
        async with conn.transaction():
            await conn.execute("CREATE TEMP TABLE lz4_probe (b bytea COMPRESSION lz4) ON COMMIT DROP")
        return True
    except asyncpg.FeatureNotSupportedError:
        return False


async def test_a_raw_batch_body_is_compressed_with_lz4(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    # Large enough to be compressed at all (PostgreSQL leaves values under ~2 kB alone).
    measurements = [
        {"meter": "storage", "account": "acme", "ts": "2026-01-01T00:00:00Z", "uid": f"lz4-{n}", "measure": {"gb": n}}
        for n in range(200)
    ]
    batch_id = await accepted_batch(tenant, measurements)
    async with connection() as conn:
        if not await _server_has_lz4(conn):
            pytest.skip("this PostgreSQL was built without lz4")
        method = await conn.fetchval(
            "SELECT pg_column_compression(body) FROM measurement_batches WHERE id = $1", uuid.UUID(str(batch_id))
        )
    assert method == "lz4"
