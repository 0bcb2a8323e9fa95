"""Housekeeping that keeps ingest whole when Redis or a worker fails (DESIGN §1, §4).

- The sweep re-enqueues PENDING batches that no worker finished: Redis lost the job, a
  worker died mid-batch, or the enqueue after accepting failed. The database, not arq,
  knows what is unfinished; arq's job id per batch keeps a re-enqueue from duplicating a
  job that still exists, and processing is idempotent anyway.
- Monthly partitions of `measurements` are created ahead of time for the current and the
  next month (UTC), by worker startup and by every sweep, outside any ingest
  transaction: creating a partition locks the parent table, which must never happen
  inside a batch. A month without its own partition is stored in the default partition
  (decision: that covers late data from before the system ran; such a month never gets
  a partition of its own later, because only current and future months are created).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from app.db import connection
from app.services.ingest import store
from app.services.ingest.accept import enqueue_batch

log = logging.getLogger("metergraph.ingest")

SWEEP_AFTER = timedelta(seconds=60)
SWEEP_LIMIT = 1000
_ensured: set[str] = set()


async def sweep_unprocessed_batches(
    queue: Any, *, older_than: timedelta = SWEEP_AFTER, limit: int = SWEEP_LIMIT
) -> int:
    """Enqueue PENDING batches accepted more than `older_than` ago; returns how many were
    enqueued (a batch whose job still exists in Redis is not enqueued twice)."""
    async with connection() as conn:
        batch_ids = await store.stale_batch_ids(conn, older_than.total_seconds(), limit)
    enqueued = 0
    for batch_id in batch_ids:
        enqueued += await enqueue_batch(queue, batch_id)
    if enqueued:
        log.info("sweep re-enqueued %d unprocessed measurement batches", enqueued)
    return enqueued


def _month_start(day: date, months_ahead: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


async def ensure_partitions(now: datetime | None = None) -> list[str]:
    """Create the partitions of the current and the next month if missing; returns the
    names created. A failure (lock timeout, rows of that month already in the default
    partition) is logged and left for the next sweep: inserts never depend on it."""
    today = (now or datetime.now(UTC)).date()
    created = []
    async with connection() as conn:
        for ahead in (0, 1):
            start, end = _month_start(today, ahead), _month_start(today, ahead + 1)
            name = f"measurements_p{start:%Y%m}"
            if name in _ensured:
                continue
            try:
                if await _create_partition(conn, name, start, end):
                    created.append(name)
                _ensured.add(name)
            except (asyncpg.PostgresError, OSError):
                log.warning("could not create partition %s", name, exc_info=True)
    return created


async def _create_partition(conn: asyncpg.Connection, name: str, start: date, end: date) -> bool:
    if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name):
        return False
    async with conn.transaction():
        # Creating a partition takes a lock on the parent table: wait briefly, never
        # queue every reader of measurements behind a long-running query.
        await conn.execute("SET LOCAL lock_timeout = '5s'")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF measurements "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    return True
