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

# The oldest rows first, organization by organization through the (organization_id,
# occurred_at) index the listing uses (no index on occurred_at alone: every event insert
# would maintain one for this cron); SKIP LOCKED lets two workers prune side by side
# without waiting on each other (and, locked, a row keeps the ctid it is deleted by).
# Events outlive only an organization deleted by hand.
_PRUNE = """DELETE FROM event WHERE ctid = ANY(ARRAY(
    SELECT e.ctid FROM organizations AS o
    CROSS JOIN LATERAL (
        SELECT ctid FROM event WHERE organization_id = o.id AND occurred_at < $1
        ORDER BY occurred_at LIMIT $2 FOR UPDATE SKIP LOCKED) AS e
    LIMIT $2))"""


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
