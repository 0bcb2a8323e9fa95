"""Worker jobs. Each is a few lines calling the service of the same name."""

from __future__ import annotations

import uuid
from typing import Any

from arq import Retry

from app.services import ingest

# arq retries a failed batch this often, backing off; after that the batch stays PENDING
# in the database and the periodic sweep tries again later (it is never dropped).
BATCH_TRIES = 5


async def ping_worker(ctx: dict[str, Any], token: str) -> str:
    """Round trip through the queue: operators and tests use it to see a worker consuming."""
    return token


async def process_measurement_batch(ctx: dict[str, Any], batch_id: str) -> dict[str, Any]:
    try:
        outcome = await ingest.process_measurement_batch(uuid.UUID(batch_id))
    except Exception as exc:
        if ctx.get("job_try", 1) < BATCH_TRIES:
            raise Retry(defer=ctx.get("job_try", 1)) from exc
        raise
    return {"processed": outcome.processed, "stored": outcome.stored, "duplicates": outcome.duplicates,
            "rejected": outcome.rejected}


async def sweep_unprocessed_batches(ctx: dict[str, Any]) -> int:
    await ingest.ensure_partitions()
    return await ingest.sweep_unprocessed_batches(ctx["redis"])
