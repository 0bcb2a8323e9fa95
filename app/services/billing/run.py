"""Running a bill job (SEMANTICS §7.4, DESIGN §4 "Bill job").

`run_bill_job` takes a job wherever it stands: PENDING → INITIALIZING (inputs complete,
accounts resolved, their usage aggregated once: `job_usage`) → RUNNING → work through
chunks → COMPLETE. It is safe to call twice at once and to call again after a crash:
every step is decided by the database (conditional status updates, unique account rows,
leased claims, unique bills).

`process_bill_job_chunks` is the work loop alone: claim up to `CHUNK_SIZE` accounts,
compose their bills, store them (`work`), record the accounts and the job's counters,
publish progress; until nothing is left or the job is cancelled (a cancelled job stops
claiming; the chunk in hand is finished and counted). When an `enqueue` is given, a big
job is spread over workers: `run_bill_job` enqueues helpers that run the same loop (before
initializing, so that they are taken and waiting when the job becomes RUNNING), a worker
process runs at most `claim_loops.LOOPS_PER_PROCESS` loops of a job (a helper beyond that is passed
back to the queue for another worker), and a loop that has worked for
`WORK_BUDGET_SECONDS` enqueues its own continuation and returns, so no arq job runs into
its timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from app.models.accounts import Account
from app.models.billing import BillJob
from app.services.billing import claims, state
from app.services.billing.claim_loops import ClaimLoops
from app.services.billing.initialize import job_accounts, process_pending_batches
from app.services.billing.job_usage import PreparedUsage, discard_job_usage, prepare_job_usage
from app.services.billing.work import TransientChunkError, work_on
from app.services.failures import internal_failure, is_transient

log = logging.getLogger("metergraph.billing")

Enqueue = Callable[..., Awaitable[Any]]
CHUNK_JOB = "process_bill_job_chunks"
MAX_HELPERS = 4
MAX_HOPS = 3  # times a helper passes itself on to the queue when its process has enough loops
WAIT_FOR_RUNNING_SECONDS = 120.0
HEARTBEAT_SECONDS = 15.0  # well within the sweep's STALE_AFTER
WORK_BUDGET_SECONDS = 240.0
MAX_TRANSIENT_ATTEMPTS = 5  # chunks in a row failing transiently before this loop stops
TRANSIENT_PAUSE_SECONDS = 0.2


async def run_bill_job(
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    redis: Any | None = None,
    enqueue: Enqueue | None = None,
    loops: ClaimLoops | None = None,
) -> None:
    job = await state.load_job(organization_id, job_id)
    if job is None or job.status in state.TERMINAL:
        return
    # Helpers first: they wait for RUNNING, so other workers are ready to share the chunks
    # the moment the initialization ends. Also on a resume (the sweep enqueues
    # run_bill_job only for a stale job, so at most once per staleness period): a big job
    # left by a dead worker is shared again.
    await _spread(organization_id, job, enqueue)
    prepared = None
    if job.status in (state.PENDING, state.INITIALIZING):
        prepared = await _initialize(organization_id, job, redis)
        if prepared is None:
            return
    loops = loops if loops is not None else ClaimLoops()
    with loops.sharing(job_id, prepared):
        await process_bill_job_chunks(organization_id, job_id, redis=redis, enqueue=enqueue, loops=loops)


async def _initialize(organization_id: uuid.UUID, job: BillJob, redis: Any | None) -> PreparedUsage | None:
    """The job's usage as prepared, the job now RUNNING; None when the job cannot go on
    (failed, cancelled)."""
    if await state.transition(organization_id, job.id, state.INITIALIZING, (state.PENDING,)):
        await state.publish(redis, organization_id, job.id)
    try:
        async with _heartbeat(organization_id, job.id):  # reading a big job's usage takes a while
            await process_pending_batches(organization_id, job)
            accounts = await job_accounts(organization_id, job)
            prepared = await prepare_job_usage(organization_id, job, accounts)
    except Exception as error:
        if is_transient(error):
            # Not the job's fault: it stays INITIALIZING and the sweep resumes it.
            log.warning("bill job %s: transient error while initializing; left for the sweep", job.id, exc_info=True)
            return None
        # A job that cannot even find its accounts could not run at all (FAILED). Clients
        # read failureReason: the exception's own text stays in the log.
        reason = internal_failure(log, "could not initialize", error, about=f"bill job {job.id}")
        await state.transition(
            organization_id, job.id, state.FAILED, (state.PENDING, state.INITIALIZING), reason=reason
        )
        await state.publish(redis, organization_id, job.id)
        return None
    if await claims.open_accounts(organization_id, job.id, accounts.ids, prepared.rows):
        await state.publish(redis, organization_id, job.id)
    current = await state.load_job(organization_id, job.id)
    return prepared if current is not None and current.status == state.RUNNING else None


@contextlib.asynccontextmanager
async def _heartbeat(organization_id: uuid.UUID, job_id: uuid.UUID) -> AsyncIterator[None]:
    """Keep the job's heartbeat fresh meanwhile, so the sweep does not take the job for
    abandoned and start a second initializer."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await state.heartbeat(organization_id, job_id)
            except Exception:  # noqa: BLE001 - a missed beat at worst lets the sweep add a helper
                log.warning("bill job %s: heartbeat failed", job_id, exc_info=True)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _spread(organization_id: uuid.UUID, job: BillJob, enqueue: Enqueue | None) -> None:
    """Let other workers share a big job: each helper runs the same claim loop."""
    if enqueue is None:
        return
    chunks = math.ceil(await _expected_accounts(organization_id, job) / claims.CHUNK_SIZE)
    for _ in range(min(MAX_HELPERS, max(0, chunks - 1))):
        await _enqueue(enqueue, job.id, organization_id, 0)


async def _expected_accounts(organization_id: uuid.UUID, job: BillJob) -> int:
    """Accounts left (RUNNING), or at most how many the job will bill (before it knows)."""
    if job.status == state.RUNNING:
        return job.pending
    if job.account_ids is not None:
        return len(job.account_ids)
    return await Account.filter(organization_id=organization_id).count()


async def _enqueue(enqueue: Enqueue, job_id: uuid.UUID, organization_id: uuid.UUID, *hops: int) -> None:
    try:
        await enqueue(CHUNK_JOB, str(job_id), str(organization_id), *hops)
    except Exception:  # noqa: BLE001 - the sweep resumes a job nobody works on
        log.warning("could not enqueue more work for bill job %s", job_id, exc_info=True)


async def process_bill_job_chunks(
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    redis: Any | None = None,
    enqueue: Enqueue | None = None,
    budget_seconds: float = WORK_BUDGET_SECONDS,
    hops: int | None = None,
    loops: ClaimLoops | None = None,
) -> int:
    """Work on a RUNNING job until nothing is left to claim; returns accounts finished.

    A helper (`hops` given) waits for a job still initializing, and in a process that
    already runs `LOOPS_PER_PROCESS` loops of the job (`loops`) it passes itself on to the
    queue instead (up to `MAX_HOPS` times), for another worker to take."""
    loops = loops if loops is not None else ClaimLoops()
    if hops is not None and loops.full(job_id):
        # The status alone: with one worker, three helpers of four hop here three times
        # each, and loading the whole job row through the ORM took ~40 ms of a 1,000-bill
        # job's worker CPU (py-spy, bench/bill_run.py).
        if enqueue is not None and hops < MAX_HOPS and await state.status_of(organization_id, job_id) in state.ACTIVE:
            await _enqueue(enqueue, job_id, organization_id, hops + 1)
        return 0
    with loops.held(job_id):
        if hops is not None and not await _running(organization_id, job_id):
            return 0
        return await _claim_loop(organization_id, job_id, redis, enqueue, budget_seconds, loops)


async def _give_back(organization_id: uuid.UUID, job_id: uuid.UUID, claim: claims.Claim, attempt: int) -> bool:
    """After a transient error: the chunk's accounts are claimable again (now, or when the
    lease expires if even that fails), then a pause growing with each attempt. False once
    `MAX_TRANSIENT_ATTEMPTS` chunks in a row have failed so."""
    log.warning(
        "bill job %s: transient error on a chunk of %d accounts (attempt %d); they stay claimable",
        job_id,
        len(claim.rows),
        attempt,
        exc_info=True,
    )
    try:
        await claims.release(organization_id, job_id, claim)
    except Exception:  # noqa: BLE001 - the lease expires on its own
        log.warning("bill job %s: could not give the claim back", job_id, exc_info=True)
    if attempt >= MAX_TRANSIENT_ATTEMPTS:
        return False
    await asyncio.sleep(min(TRANSIENT_PAUSE_SECONDS * 2 ** (attempt - 1), 10.0))
    return True


async def _running(organization_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    """Wait while the job is PENDING or INITIALIZING; True once it is RUNNING. Polled
    often at first: a helper that starts late finds the chunks taken by the others."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        status = await state.status_of(organization_id, job_id)  # the status alone: polled 20 times a second
        waited = loop.time() - started
        if status not in (state.PENDING, state.INITIALIZING) or waited >= WAIT_FOR_RUNNING_SECONDS:
            return status == state.RUNNING
        await asyncio.sleep(0.05 if waited < 10 else 1.0)


async def _claim_loop(
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    redis: Any | None,
    enqueue: Enqueue | None,
    budget_seconds: float,
    loops: ClaimLoops,
) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_seconds
    finished = transient = 0
    # The job's inputs never change once it is made: read once. Its status is checked by
    # each claim (no claim once the job is no longer RUNNING).
    job = await state.load_job(organization_id, job_id)
    while job is not None and job.status == state.RUNNING:
        if enqueue is not None and loop.time() >= deadline:
            await _enqueue(enqueue, job_id, organization_id, 0)  # a fresh arq job continues
            return finished
        claim = await claims.claim(organization_id, job_id, claims.CHUNK_SIZE)
        if claim is None:
            break
        try:
            results = await work_on(
                organization_id,
                job,
                claim,
                loaded=loops.loaded(job_id),
                usage=loops.usage(job_id),
            )
        except TransientChunkError:
            transient += 1
            if not await _give_back(organization_id, job_id, claim, transient):
                return finished  # the database keeps failing: the sweep resumes the job later
            continue
        transient = 0
        done = await claims.finish(organization_id, job_id, claim, results)
        finished += done.count
        await state.publish_returned(redis, done.progress)
    if await state.complete_if_done(organization_id, job_id):
        await state.publish(redis, organization_id, job_id)
        await discard_job_usage(organization_id, job_id)
    elif await state.status_of(organization_id, job_id) == state.CANCELLED:
        # cancelBillJob may have had no Redis at hand: subscribers hear it here.
        await state.publish(redis, organization_id, job_id)
        await discard_job_usage(organization_id, job_id)
    return finished
