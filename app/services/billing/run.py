"""Running a bill job (SEMANTICS §7.4, DESIGN §4 "Bill job").

`run_bill_job` takes a job wherever it stands: PENDING → INITIALIZING (inputs complete,
accounts resolved) → RUNNING → work through chunks → COMPLETE. It is safe to call twice
at once and to call again after a crash: every step is decided by the database
(conditional status updates, unique account rows, leased claims, unique bills).

`process_bill_job_chunks` is the work loop alone: claim up to `CHUNK_SIZE` accounts,
compose their bills, store each bill in its own transaction, record the accounts and the
job's counters, publish progress; until nothing is left or the job is cancelled (a
cancelled job stops claiming; the chunk in hand is finished and counted). When an
`enqueue` is given, a big job is spread over workers: `run_bill_job` enqueues helpers
that run the same loop, and a loop that has worked for `WORK_BUDGET_SECONDS` enqueues its
own continuation and returns, so no arq job runs into its timeout.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from app.models.billing import BillJob
from app.services.billing import claims, state
from app.services.billing.initialize import job_accounts, process_pending_batches
from app.services.billing.work import work_on

log = logging.getLogger("metergraph.billing")

Enqueue = Callable[..., Awaitable[Any]]
CHUNK_JOB = "process_bill_job_chunks"
MAX_HELPERS = 4
WORK_BUDGET_SECONDS = 240.0


async def run_bill_job(organization_id: uuid.UUID, job_id: uuid.UUID, *, redis: Any | None = None,
                       enqueue: Enqueue | None = None) -> None:
    job = await state.load_job(organization_id, job_id)
    if job is None or job.status in state.TERMINAL:
        return
    if job.status in (state.PENDING, state.INITIALIZING) and not await _initialize(organization_id, job, redis):
        return
    # Also on a resume (the sweep enqueues run_bill_job only for a stale job, so at most
    # once per staleness period): a big job left by a dead worker is shared again.
    await _spread(organization_id, job_id, enqueue)
    await process_bill_job_chunks(organization_id, job_id, redis=redis, enqueue=enqueue)


async def _initialize(organization_id: uuid.UUID, job: BillJob, redis: Any | None) -> bool:
    """False when the job cannot go on (failed, cancelled)."""
    if await state.transition(organization_id, job.id, state.INITIALIZING, (state.PENDING,)):
        await state.publish(redis, organization_id, job.id)
    try:
        await process_pending_batches(organization_id, job)
        account_ids = await job_accounts(organization_id, job)
    except Exception as error:
        # A job that cannot even find its accounts could not run at all (FAILED).
        log.exception("bill job %s could not be initialized", job.id)
        await state.transition(organization_id, job.id, state.FAILED, (state.PENDING, state.INITIALIZING),
                               reason=f"could not initialize: {type(error).__name__}: {error}"[:2000])
        await state.publish(redis, organization_id, job.id)
        return False
    if await claims.open_accounts(organization_id, job.id, account_ids):
        await state.publish(redis, organization_id, job.id)
    current = await state.load_job(organization_id, job.id)
    return current is not None and current.status == state.RUNNING


async def _spread(organization_id: uuid.UUID, job_id: uuid.UUID, enqueue: Enqueue | None) -> None:
    """Let other workers share a big job: each helper runs the same claim loop."""
    if enqueue is None:
        return
    job = await state.load_job(organization_id, job_id)
    chunks = math.ceil((job.pending if job else 0) / claims.CHUNK_SIZE)
    for _ in range(min(MAX_HELPERS, max(0, chunks - 1))):
        await _enqueue(enqueue, job_id, organization_id)


async def _enqueue(enqueue: Enqueue, job_id: uuid.UUID, organization_id: uuid.UUID) -> None:
    try:
        await enqueue(CHUNK_JOB, str(job_id), str(organization_id))
    except Exception:  # noqa: BLE001 - the sweep resumes a job nobody works on
        log.warning("could not enqueue more work for bill job %s", job_id, exc_info=True)


async def process_bill_job_chunks(organization_id: uuid.UUID, job_id: uuid.UUID, *, redis: Any | None = None,
                                  enqueue: Enqueue | None = None, budget_seconds: float = WORK_BUDGET_SECONDS) -> int:
    """Work on a RUNNING job until nothing is left to claim; returns accounts finished."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_seconds
    finished = 0
    while True:
        job = await state.load_job(organization_id, job_id)
        if job is None or job.status != state.RUNNING:
            if job is not None and job.status == state.CANCELLED:
                # cancelBillJob may have had no Redis at hand: subscribers hear it here.
                await state.publish(redis, organization_id, job_id)
            return finished  # cancelled (or not started): stop claiming
        if enqueue is not None and loop.time() >= deadline:
            await _enqueue(enqueue, job_id, organization_id)  # a fresh arq job continues
            return finished
        claim = await claims.claim(organization_id, job_id, claims.CHUNK_SIZE)
        if claim is None:
            break
        results = await work_on(organization_id, job, claim)
        finished += await claims.finish(organization_id, job_id, claim, results)
        await state.publish(redis, organization_id, job_id)
    if await state.complete_if_done(organization_id, job_id):
        await state.publish(redis, organization_id, job_id)
    return finished
