"""Accepting a batch: check its shape, store it durably, answer, then enqueue it.

The accept path does the least it can (DESIGN §4): one msgspec decode of the request's
shape for the whole-request checks (`wire.count_measurements`), one INSERT of the raw
body, and after that statement has committed an enqueue of `process_measurement_batch`.
If the enqueue fails (Redis down) the batch is still accepted: the sweep finds every
PENDING batch in the database.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from app.db import connection
from app.services.ingest import store
from app.services.ingest.wire import count_measurements

log = logging.getLogger("metergraph.ingest")

MAX_BODY_BYTES = 512_000  # SEMANTICS §6: a body must be under this size
PROCESS_JOB = "process_measurement_batch"


class BatchTooLarge(Exception):
    """The body is 512,000 bytes or more (413)."""


def job_id(batch_id: uuid.UUID) -> str:
    # One arq job id per batch: arq refuses a second enqueue while the first is queued
    # or running, so the sweep can re-enqueue freely.
    return f"measurement-batch:{batch_id}"


async def accept_measurements(
    organization_id: uuid.UUID, body: bytes, *, queue: Any | None, actor: str | None = None, source: str = "REST"
) -> uuid.UUID:
    """Store a batch given as the raw request body; returns its id. Raises BatchTooLarge,
    or InputErrors (whole request refused, nothing stored)."""
    if len(body) >= MAX_BODY_BYTES:
        raise BatchTooLarge(f"the body must be under {MAX_BODY_BYTES} bytes")
    item_count = count_measurements(body)
    batch_id = uuid.uuid4()
    async with connection() as conn:
        await store.insert_batch(conn, batch_id, organization_id, body, item_count, source, actor)
    await enqueue_batch(queue, batch_id)
    return batch_id


async def enqueue_batch(queue: Any | None, batch_id: uuid.UUID) -> bool:
    """Ask a worker to process the batch; False when it was not enqueued (already queued,
    or Redis unavailable: the sweep will enqueue it later)."""
    if queue is None:
        return False
    try:
        return await queue.enqueue_job(PROCESS_JOB, str(batch_id), _job_id=job_id(batch_id)) is not None
    except Exception:  # noqa: BLE001 - the batch is durable; losing the enqueue loses nothing
        log.warning("could not enqueue measurement batch %s; the sweep will", batch_id, exc_info=True)
        return False
