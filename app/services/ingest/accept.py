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
from collections.abc import Sequence
from typing import Any

from arq.constants import in_progress_key_prefix, job_key_prefix

from app.db import connection
from app.services.ingest import store
from app.services.ingest.process import OnGroup
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


# For each batch's job (KEYS: the queue, then per job its job key and in-progress key;
# ARGV: the job ids): if no worker has started it, take it off the queue and delete it.
# Touching the in-progress key (set, then deleted) makes a worker that is starting the
# job at this moment (arq watches that key between reading the queue and marking the job
# started) give it up. Returns how many jobs were removed.
_DEQUEUE_UNSTARTED = """
local removed = 0
for i, job in ipairs(ARGV) do
    local job_key, in_progress = KEYS[2 * i], KEYS[2 * i + 1]
    if redis.call('exists', in_progress) == 0 and redis.call('zrem', KEYS[1], job) == 1 then
        redis.call('del', job_key)
        redis.call('set', in_progress, '', 'px', 1000)
        redis.call('del', in_progress)
        removed = removed + 1
    end
end
return removed
"""


async def dequeue_taken_batches(queue: Any, queue_name: str, batch_ids: Sequence[uuid.UUID]) -> int:
    """Remove the queued jobs of batches another job's group holds (it locked them to process
    with its own), so that no worker spends a job on each to find it taken. A job already
    started is left alone (it finds its batch taken or done). Safe whatever happens next: a
    group that fails processes each of its batches alone at once; a batch left PENDING
    without a job (the worker died, the commit was lost in a database crash) is what the
    sweep re-enqueues. Returns how many jobs were removed."""
    if not batch_ids:
        return 0
    jobs = [job_id(batch_id) for batch_id in batch_ids]
    keys = [queue_name]
    for job in jobs:
        keys += (job_key_prefix + job, in_progress_key_prefix + job)
    return int(await queue.eval(_DEQUEUE_UNSTARTED, len(keys), *keys, *jobs))


def taking_jobs_off(queue: Any, queue_name: str) -> OnGroup:
    """`process_measurement_batch`'s `on_group` for a worker: the group's other batches'
    jobs taken off the queue as soon as the group has them locked. In a backlog that is 15
    jobs of 16, which would each cost arq's work and a lock query to find the batch taken.
    A failure to take them off is only logged: their jobs then run and find their batches
    taken or done."""

    async def dequeue(taken: Sequence[uuid.UUID]) -> None:
        try:
            await dequeue_taken_batches(queue, queue_name, taken)
        except Exception:  # noqa: BLE001 - see the docstring
            log.warning("could not take the jobs of batches %s off the queue", list(taken), exc_info=True)

    return dequeue
