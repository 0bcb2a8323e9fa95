"""Event retention (SEMANTICS §14.1): events are kept 90 days **(our rule)**, then pruned
by a worker cron in bounded batches, so one run never holds a long transaction or a lock
on many rows, and a backlog drains over a few runs.

The per-entity counters (`event_sequence`) are kept: an entity's next event continues its
numbering, so a consumer that kept the highest sequence seen never sees a number again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db import connection

RETENTION_DAYS = 90
BATCH = 5_000
MAX_BATCHES = 20  # at most 100,000 rows per run; the next run takes the rest

# The oldest rows first, by the (occurred_at) index; SKIP LOCKED lets two workers prune
# side by side without waiting on each other.
_PRUNE = """DELETE FROM event WHERE id IN (
    SELECT id FROM event WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2 FOR UPDATE SKIP LOCKED)"""


async def prune_events(now: datetime, *, batch: int = BATCH, max_batches: int = MAX_BATCHES) -> int:
    """Delete events that occurred more than RETENTION_DAYS before `now`; how many."""
    cutoff = now - timedelta(days=RETENTION_DAYS)
    pruned = 0
    async with connection() as conn:
        for _ in range(max_batches):
            status = await conn.execute(_PRUNE, cutoff, batch)  # one short transaction per batch
            deleted = int(status.split()[-1])
            pruned += deleted
            if deleted < batch:
                break
    return pruned
