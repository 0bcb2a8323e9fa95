"""How accepted batches and their measurements are laid down in PostgreSQL (issue #18):
what the ingest path relies on for its cost, checked on the real schema."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from app.db import connection
from tests.workers import (
    accepted_batch,
    ingest_queue,  # noqa: F401 - fixture
    make_meter,
    run_burst_worker,
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


async def test_every_column_is_stored_as_sent(tenant, ingest_queue):
    # The rows go in as binary COPY data the worker writes itself: instants with and
    # without an offset, a missing ets and uid, a non-ASCII uid, and exact numbers.
    meter = await make_meter(tenant.organization_id)
    sent = [
        {
            "meter": "storage",
            "account": "acme",
            "ts": "2026-03-01T10:00:00.123456Z",
            "uid": "a",
            "measure": {"gb": 12.5, "divisor": 4},
        },
        {
            "meter": "storage",
            "account": "zeta",
            "ts": "2026-03-01T12:30:00+02:30",
            "ets": "2026-03-01T13:00:00Z",
            "uid": "ünï-€",
            "who": {"region": "eu"},
        },
        {"meter": "storage", "account": "acme", "ts": "1999-12-31T23:59:59.999999", "metadata": {"note": "n"}},
    ]
    batch_id = await accepted_batch(tenant, sent)
    await run_burst_worker()
    async with connection() as conn:
        batch = await conn.fetchrow(
            "SELECT organization_id, dt_created FROM measurement_batches WHERE id = $1", batch_id
        )
        accounts = dict(await conn.fetch("SELECT code, id FROM accounts WHERE organization_id = $1", batch[0]))
        rows = await conn.fetch(
            "SELECT organization_id, account_id, meter_id, ts, ets, uid, batch_id, batch_index, received_at,"
            " data::text AS data FROM measurements WHERE batch_id = $1 ORDER BY batch_index",
            batch_id,
        )
    utc = UTC
    assert [tuple(r) for r in rows] == [
        (
            batch[0],
            accounts["acme"],
            meter.id,
            datetime(2026, 3, 1, 10, 0, 0, 123456, utc),
            None,
            "a",
            batch_id,
            0,
            batch[1],
            '{"gb": 12.5, "cost": 3.125, "share": 3.125, "divisor": 4}',
        ),
        (
            batch[0],
            accounts["zeta"],
            meter.id,
            datetime(2026, 3, 1, 10, 0, tzinfo=utc),
            datetime(2026, 3, 1, 13, 0, tzinfo=utc),
            "ünï-€",
            batch_id,
            1,
            batch[1],
            '{"region": "eu"}',
        ),
        (
            batch[0],
            accounts["acme"],
            meter.id,
            datetime(1999, 12, 31, 23, 59, 59, 999999, utc),
            None,
            None,
            batch_id,
            2,
            batch[1],
            '{"note": "n"}',
        ),
    ]
    # The uid claims go in as binary COPY data too: each names its batch, and its time is
    # the processing transaction's (the column's default), as the batch's dt_processed.
    async with connection() as conn:
        claims = await conn.fetch(
            "SELECT u.uid, u.batch_id, u.stored_at = b.dt_processed AS same_time FROM measurement_uids u"
            " JOIN measurement_batches b ON b.id = u.batch_id WHERE u.organization_id = $1 ORDER BY u.uid",
            batch[0],
        )
    assert [tuple(c) for c in claims] == [("a", batch_id, True), ("ünï-€", batch_id, True)]
