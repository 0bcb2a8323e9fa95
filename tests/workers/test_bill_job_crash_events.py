"""A bill job resumed after a crash records each bill's event once (SEMANTICS §7.4 "a
retried or crashed job resumes without double billing", §14.1–14.2 exactly one event per
committed change).

A worker killed after its chunk's bills are committed, but before its accounts are
finished, leaves them leased; once the lease expires another run claims them again and
composes the same bills from the job's own usage. Those bills are this job's already and
equal: they are not rewritten (no second version, no `billing.bill.updated`), yet they
stay listed among the job's bills. The kill is real: the task running the job is
cancelled while it hangs right after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter

from app.db import connection
from app.models.events import Event
from app.services import billing
from app.services.billing import claims, persist_many, work
from app.services.billing.commands import CreateBillJob
from app.services.events import bills as bill_events
from tests.services import ACTOR, BILL_DATE, line_view, lines_of, new_world


async def kill_after_stored(world, job_id: uuid.UUID, monkeypatch, *, chunks: int, store: str = "store_bills") -> None:
    """Run the job until `chunks` chunks (or bills, with `store="store_bill"`) are
    committed, then kill it there, before it finishes their accounts."""
    real, stored, dying = getattr(work, store), [], asyncio.Event()

    async def store_then_die(*args, **kwargs):
        result = await real(*args, **kwargs)
        stored.append(1)
        if len(stored) == chunks:
            dying.set()
            await asyncio.Future()  # hangs here until killed
        return result

    monkeypatch.setattr(work, store, store_then_die)
    task = asyncio.create_task(billing.run_bill_job(world.organization_id, job_id))
    await asyncio.wait_for(dying.wait(), 20)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    monkeypatch.setattr(work, store, real)


async def leases_expire(job_id: uuid.UUID) -> None:
    async with connection() as conn:
        await conn.execute(
            "UPDATE bill_job_accounts SET dt_claimed = now() - interval '10 minutes' WHERE bill_job_id = $1", job_id
        )


async def bill_events_of(organization_id: uuid.UUID) -> Counter:
    rows = await Event.filter(organization_id=organization_id, type__startswith="billing.").values_list(
        "type", "entity_id"
    )
    return Counter(rows)


async def assert_each_bill_once(world, job_id: uuid.UUID, accounts: int) -> None:
    job = await world.job(job_id)
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", accounts, 0, 0)
    bills = await world.bills()
    assert len(bills) == accounts
    assert sorted(job.result_bill_ids) == sorted(str(b.id) for b in bills)
    assert job.bill_count == accounts
    events = await bill_events_of(world.organization_id)
    assert events == Counter(
        {
            **{(bill_events.CREATED, b.id): 1 for b in bills},
            ("billing.billjob.completed", job_id): 1,
        }
    )
    for bill in bills:
        assert bill.version == 1 and bill.bill_job_id == job_id
        (clean,) = await billing.preview_bill(world.organization_id, bill.account_id, bill_date=BILL_DATE)
        assert [line_view(li) for li in await lines_of(bill)] == [line_view(li) for li in clean.lines]


async def test_a_chunk_stored_before_a_crash_is_not_written_again_on_resume(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 4)
    world = await new_world()
    for n in range(10):
        await world.account(f"k{n:02}")
        await world.measure(f"k{n:02}", 100 * n)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await kill_after_stored(world, job.id, monkeypatch, chunks=2)  # chunk 1 finished, chunk 2 only stored
    assert ((await world.job(job.id)).pending, len(await world.bills())) == (6, 8)

    await leases_expire(job.id)
    await billing.run_bill_job(world.organization_id, job.id)

    await assert_each_bill_once(world, job.id, 10)


async def test_a_bill_stored_alone_before_a_crash_is_not_written_again_on_resume(app, monkeypatch):
    """The same through the per-bill path (a chunk that could not be stored together)."""

    async def chunk_fails(*args, **kwargs):
        raise persist_many.NotStored("forced: each bill alone")

    monkeypatch.setattr(work, "store_bills", chunk_fails)
    monkeypatch.setattr(claims, "CHUNK_SIZE", 3)
    world = await new_world()
    for n in range(5):
        await world.account(f"s{n:02}")
        await world.measure(f"s{n:02}", 100 * n)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await kill_after_stored(world, job.id, monkeypatch, chunks=2, store="store_bill")  # 2 of chunk 1's 3 bills
    assert ((await world.job(job.id)).pending, len(await world.bills())) == (5, 2)

    await leases_expire(job.id)
    await billing.run_bill_job(world.organization_id, job.id)

    await assert_each_bill_once(world, job.id, 5)


async def test_a_new_job_over_the_same_period_still_updates_the_bills(app):
    """Only the job's own earlier write is skipped: a later manual job recalculates (§7.5)."""
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    for _ in range(2):
        job = await billing.create_bill_job(
            world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
        )
        await billing.run_bill_job(world.organization_id, job.id)
    bill = await world.bill_of("acme")
    assert (bill.version, bill.bill_job_id) == (2, job.id)
    assert str(bill.id) in (await world.job(job.id)).result_bill_ids
    events = await bill_events_of(world.organization_id)
    assert (events[(bill_events.CREATED, bill.id)], events[(bill_events.UPDATED, bill.id)]) == (1, 1)
