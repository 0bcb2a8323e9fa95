"""The delivery log is kept as long as the events it delivered (90 days, SEMANTICS §14.1),
then pruned by a worker cron in bounded batches, oldest first, like the events themselves.

A PENDING delivery is never pruned: it is at most 84 hours old by construction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db import connection

RETENTION_DAYS = 90
BATCH = 5_000
MAX_BATCHES = 20

_PRUNE = {
    "webhook_attempts": """DELETE FROM webhook_attempts WHERE id IN (
        SELECT id FROM webhook_attempts WHERE sent_at < $1 ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED)""",
    "webhook_deliveries": """DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE occurred_at < $1 AND status <> 'PENDING'
        ORDER BY occurred_at LIMIT $2 FOR UPDATE SKIP LOCKED)""",
    "webhook_dispatches": """DELETE FROM webhook_dispatches WHERE id IN (
        SELECT id FROM webhook_dispatches WHERE dt_created < $1 ORDER BY dt_created LIMIT $2 FOR UPDATE SKIP LOCKED)""",
}


async def prune_webhook_log(now: datetime, *, batch: int = BATCH, max_batches: int = MAX_BATCHES) -> int:
    """Delete attempts, finished deliveries and dispatch marks older than RETENTION_DAYS; how many."""
    cutoff = now - timedelta(days=RETENTION_DAYS)
    pruned = 0
    async with connection() as conn:
        for statement in _PRUNE.values():
            for _ in range(max_batches):
                deleted = int((await conn.execute(statement, cutoff, batch)).split()[-1])
                pruned += deleted
                if deleted < batch:
                    break
    return pruned
