"""Bill jobs through arq with real in-process burst workers (SEMANTICS §7.4, DESIGN §1, §4).

Every test enqueues on this session's own queue (`BILL_QUEUE`) and runs its workers on it
only, so it never takes another session's jobs. Reliability: two workers share one job;
a worker killed in the middle of a chunk (its bills stored, its accounts not yet
finished) leaves its accounts leased, a rerun leaves live leases alone, and the sweep
resumes the job once the worker is known dead, with bills equal to a clean computation
and each invoice number given once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from app.db import connection
from app.models.billing import BillJobAccount
from app.services import billing
from app.services.billing import claims, run, work
from app.services.billing.commands import CreateBillJob
from tests.services import ACTOR, BILL_DATE, line_view, lines_of, new_world
from tests.workers import run_burst_worker
from workers.settings import queue_client

# arq 0.28 closes its own pool with redis' deprecated close() when a burst worker ends.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

BILL_QUEUE = f"metergraph:test-bills:{uuid.uuid4().hex[:10]}"
WORKER = contextvars.ContextVar("worker", default="?")


@pytest_asyncio.fixture
async def enqueue(settings) -> AsyncIterator:
    pool = queue_client(settings.redis_url, queue_name=BILL_QUEUE)

    async def enqueue_job(name, *args):
        return await pool.enqueue_job(name, *args)

    enqueue_job.pool = pool  # type: ignore[attr-defined]
    try:
        yield enqueue_job
    finally:
        await pool.delete(BILL_QUEUE)
        await pool.aclose(close_connection_pool=True)


async def bill_worker(name: str = "?", **overrides) -> None:
    WORKER.set(name)  # inherited by the tasks this worker runs its jobs in
    await run_burst_worker(queue_name=BILL_QUEUE, **overrides)


async def queued_for(pool, job_id: uuid.UUID) -> int:
    return sum(1 for job in await pool.queued_jobs() if str(job_id) in job.args)


async def test_a_job_enqueued_on_creation_is_run_by_a_worker(app, enqueue):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=enqueue
    )
    assert await queued_for(enqueue.pool, job.id) == 1
    await bill_worker()
    job = await world.job(job.id)
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 1, 0, 0)
    assert str((await world.bill_of("acme")).bill_total) == "125.00"


async def test_the_jobs_of_one_worker_process_share_its_claim_loops(app, enqueue, monkeypatch):
    """arq gives each job a copy of the worker's context: the claim loops (the loops per
    process, the catalog a job's initialization shares) are made at startup, once."""
    seen = []

    async def recorded(organization_id, job_id, *, loops, **options):
        seen.append(loops)
        return 0

    monkeypatch.setattr(billing, "process_bill_job_chunks", recorded)
    for _ in range(3):
        await enqueue("process_bill_job_chunks", str(uuid.uuid4()), str(uuid.uuid4()), 0)
    await bill_worker(max_jobs=1)
    assert len(seen) == 3 and all(loops is seen[0] for loops in seen)


async def test_two_workers_both_make_progress_on_one_big_job(app, enqueue, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    real_work_on, progress = run.work_on, Counter()

    async def tracked(organization_id, bill_job, claim, **options):
        await asyncio.sleep(0.1)  # a chunk takes a while, so the other worker gets its share
        progress[WORKER.get()] += len(claim.rows)
        return await real_work_on(organization_id, bill_job, claim, **options)

    monkeypatch.setattr(run, "work_on", tracked)
    world = await new_world()
    for n in range(12):
        await world.account(f"w{n:02}")
        await world.measure(f"w{n:02}", n)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=enqueue
    )
    # One job at a time per worker: whoever runs run_bill_job, the other takes its helpers.
    await asyncio.gather(bill_worker("A", max_jobs=1), bill_worker("B", max_jobs=1))

    assert set(progress) == {"A", "B"} and sum(progress.values()) == 12
    job = await world.job(job.id)
    assert (job.status, job.total, job.pending, job.failed, len(set(job.result_bill_ids))) == ("COMPLETE", 12, 0, 0, 12)
    assert len(await world.bills()) == 12


async def _kill_mid_chunk(world, job_id: uuid.UUID, monkeypatch, after_chunks: int) -> None:
    """Run the job until `after_chunks` chunks of bills are stored, then kill it there:
    its last chunk's bills are committed but its accounts are not finished."""
    real_store, stored, dying = work.store_bills, [], asyncio.Event()

    async def store_then_die(organization_id, bills):
        result = await real_store(organization_id, bills)
        stored.append(len(bills))
        if len(stored) == after_chunks:
            dying.set()
            await asyncio.Future()  # the worker hangs here until it is killed
        return result

    monkeypatch.setattr(work, "store_bills", store_then_die)
    task = asyncio.create_task(billing.run_bill_job(world.organization_id, job_id))
    await asyncio.wait_for(dying.wait(), 10)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    monkeypatch.setattr(work, "store_bills", real_store)


async def test_a_killed_worker_is_resumed_by_the_sweep_without_double_billing(app, enqueue, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 4)
    world = await new_world()
    await world.configure(bill_prefix="INVOICE-", sequence_start_number=100)
    for n in range(10):
        await world.account(f"k{n:02}")
        await world.measure(f"k{n:02}", 100 * n)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await _kill_mid_chunk(world, job.id, monkeypatch, after_chunks=2)  # chunk 1 done, chunk 2 stored, not finished

    killed = await world.job(job.id)
    assert (killed.status, killed.total, killed.pending) == ("RUNNING", 10, 6)
    assert len(await world.bills()) == 8
    # A rerun takes what nobody holds, and leaves the dead worker's lease alone until it expires.
    await billing.run_bill_job(world.organization_id, job.id)
    assert ((await world.job(job.id)).status, (await world.job(job.id)).pending) == ("RUNNING", 4)
    leased = await BillJobAccount.filter(bill_job_id=job.id, status="PENDING")
    assert len(leased) == 4 and all(r.claim_token for r in leased)

    async with connection() as conn:  # time passes: the lease and the heartbeat grow old
        await conn.execute(
            "UPDATE bill_job_accounts SET dt_claimed = now() - interval '10 minutes' WHERE bill_job_id = $1", job.id
        )
        await conn.execute("UPDATE bill_jobs SET dt_heartbeat = now() - interval '10 minutes' WHERE id = $1", job.id)
    assert await billing.sweep_bill_jobs(enqueue=enqueue) >= 1
    assert await queued_for(enqueue.pool, job.id) == 1
    await bill_worker()

    job = await world.job(job.id)
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 10, 0, 0)
    assert len(job.result_bill_ids) == len(set(job.result_bill_ids)) == 10
    bills = await world.bills()
    assert sorted(b.sequential_invoice_number for b in bills) == [f"INVOICE-{n}" for n in range(101, 111)]
    for bill in bills:  # equal to a clean computation of the same bill
        (clean,) = await billing.preview_bill(world.organization_id, bill.account_id, bill_date=BILL_DATE)
        assert [line_view(li) for li in await lines_of(bill)] == [line_view(li) for li in clean.lines]
        assert bill.bill_total == clean.total


async def test_the_sweep_enqueues_a_job_whose_enqueue_was_lost_once_per_staleness(app, enqueue):
    world = await new_world()
    await world.account("acme")
    lost = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    fresh = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    async with connection() as conn:
        await conn.execute("UPDATE bill_jobs SET dt_created = now() - interval '5 minutes' WHERE id = $1", lost.id)
    await billing.sweep_bill_jobs(enqueue=enqueue)
    await billing.sweep_bill_jobs(enqueue=enqueue)  # the first one refreshed its heartbeat
    assert await queued_for(enqueue.pool, lost.id) == 1
    assert await queued_for(enqueue.pool, fresh.id) == 0
    assert (await world.job(fresh.id)).dt_heartbeat is None
    await bill_worker()
    assert (await world.job(lost.id)).status == "COMPLETE"
    assert (await world.job(fresh.id)).status == "PENDING"
