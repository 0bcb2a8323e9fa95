"""A writer of one entity's events for the concurrency tests of the event counters: records
an event on its own connection, holds its transaction open a moment (so the writers overlap
on the counter row) and rolls back every third one."""

import asyncio
import uuid

import asyncpg

from app.services.events import record_event


async def record_or_roll_back(
    pool: asyncpg.Pool, org: uuid.UUID, type_: str, entity_type: str, entity_id: uuid.UUID, n: int
) -> bool:
    """Writer `n`'s event; True when it committed (every n divisible by 3 rolls back)."""
    async with pool.acquire() as raw:
        try:
            async with raw.transaction():
                await record_event(raw, org, type_, entity_type, entity_id, {"n": n})
                await asyncio.sleep(0.01)
                if n % 3 == 0:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            return False
    return True
