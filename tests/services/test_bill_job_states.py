"""Bill job states at their edges (SEMANTICS §7.4, §7.5, §13.2 rule 5, §14.1): a job over
no account, a cancellation before any worker, a cancellation whose progress cannot be
published, a job over a period the lock date covers, and a bill approved or locked by a
person between the job composing it and storing it (the two orders of a recalculation
racing an approval or a lock)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import redis.asyncio as aioredis

from app import progress
from app.models.accounts import Account
from app.models.billing import Bill, BillJob, BillJobAccount
from app.models.events import Event
from app.services import billing
from app.services.billing import lifecycle, lock_date, work
from app.services.billing.commands import CreateBillJob, RecalculateBills, UpdateBillConfig
from app.services.errors import InputErrors
from app.services.events import bills as bill_events
from tests.services import ACTOR, BILL_DATE, new_world

D = Decimal


async def job_events(organization_id: uuid.UUID) -> Counter:
    rows = await Event.filter(organization_id=organization_id, type__startswith="billing.billjob.").values_list(
        "type", "entity_id"
    )
    return Counter(rows)


def loader(job: BillJob):
    async def load():
        return await BillJob.filter(organization_id=job.organization_id, id=job.id).first()

    return load


async def new_job(world, **data) -> BillJob:
    data.setdefault("bill_date", BILL_DATE)
    return await billing.create_bill_job(world.organization_id, CreateBillJob(**data), actor=ACTOR, enqueue=None)


async def test_a_job_over_accounts_without_a_plan_completes_over_none(app):
    world = await new_world()
    planless = await Account.create(organization_id=world.organization_id, code="planless", name="Planless")
    named = await new_job(world, account_ids=[str(planless.id)])
    everyone = await new_job(world)  # the organization's only account has no plan either
    for job in (named, everyone):
        await billing.run_bill_job(world.organization_id, job.id)
        done = await world.job(job.id)
        assert (done.status, done.total, done.pending, done.failed, done.result_bill_ids) == ("COMPLETE", 0, 0, 0, [])
        # The subscription sends the terminal state and ends.
        rows = [row async for row in progress.job_updates(app.state.redis, loader(job), job.id, max_seconds=5)]
        assert [r.status for r in rows] == ["COMPLETE"]
    assert await world.bills() == []
    assert await job_events(world.organization_id) == Counter(
        {("billing.billjob.completed", named.id): 1, ("billing.billjob.completed", everyone.id): 1}
    )


async def test_a_job_cancelled_before_it_runs_never_runs(app):
    world = await new_world()
    await world.account("acme")
    job = await new_job(world)
    cancelled = await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR)
    assert (cancelled.status, cancelled.dt_completed is not None) == ("CANCELLED", True)
    await billing.run_bill_job(world.organization_id, job.id)  # its enqueued run, or the sweep's
    after = await world.job(job.id)
    assert (after.status, after.version, after.dt_started, after.total) == ("CANCELLED", cancelled.version, None, 0)
    assert await world.bills() == [] and await BillJobAccount.filter(bill_job_id=job.id).count() == 0
    with pytest.raises(InputErrors) as refused:
        await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR)
    assert [(p.path, p.code.value) for p in refused.value.problems] == [(("input", "id"), "INVALID_STATE")]
    assert (await world.job(job.id)).version == cancelled.version
    assert await job_events(world.organization_id) == Counter({("billing.billjob.cancelled", job.id): 1})


async def test_a_cancellation_is_kept_and_answered_when_its_progress_cannot_be_published(app):
    """The row is the truth (subscribers read it again): a Redis that cannot be reached
    does not turn a committed cancellation into an error."""
    world = await new_world()
    await world.account("acme")
    job = await new_job(world)
    unreachable = aioredis.Redis.from_url("redis://127.0.0.1:1/8", socket_connect_timeout=1)
    try:
        cancelled = await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR, redis=unreachable)
    finally:
        await unreachable.aclose()
    assert cancelled.status == "CANCELLED" == (await world.job(job.id)).status
    assert await job_events(world.organization_id) == Counter({("billing.billjob.cancelled", job.id): 1})


async def test_an_account_whose_bill_falls_in_the_locked_range_says_so(app):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await new_job(world)
    await billing.run_bill_job(world.organization_id, job.id)
    await lifecycle.approve_bills(world.organization_id, [b.id for b in await world.bills()], actor=ACTOR)
    config = await lock_date.get_bill_config(world.organization_id)
    await lock_date.update_bill_config(
        world.organization_id, UpdateBillConfig(date(2024, 1, 31), config.version), actor=ACTOR
    )
    await world.account("late")  # January usage, never billed, now inside the locked range
    await world.measure("late", 50)

    job = await new_job(world)
    await billing.run_bill_job(world.organization_id, job.id)

    done = await world.job(job.id)
    assert (done.status, done.failed, done.result_bill_ids) == ("COMPLETE", 0, [])
    assert await world.bill_of("late") is None
    rows = {r.account_id: r for r in await BillJobAccount.filter(bill_job_id=job.id)}
    late, acme = rows[world.accounts["late"].id], rows[world.accounts["acme"].id]
    assert late.reason == "MONTHLY bill of 2024-02-01: inside the bill lock date's range; no bill made"
    bill = await world.bill_of("acme")
    assert acme.reason == f"MONTHLY bill of 2024-02-01: bill {bill.id} is locked and was not changed"


async def run_with_a_person_in_between(world, monkeypatch, person) -> BillJob:
    """A manual recalculation of every bill, `person` acting after the job composed the
    bills and before it stores them."""
    real = work.store_bills

    async def person_then_store(organization_id, bills):
        await person()
        return await real(organization_id, bills)

    monkeypatch.setattr(work, "store_bills", person_then_store)
    ids = [b.id for b in await world.bills()]
    job = await billing.recalculate_bills(
        world.organization_id, RecalculateBills(bill_ids=ids), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    return await world.job(job.id)


async def test_an_approval_before_a_recalculation_stores_returns_the_bill_to_pending(app, monkeypatch):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    await billing.run_bill_job(world.organization_id, (await new_job(world)).id)
    bill = await world.bill_of("acme")
    await world.measure("acme", 100)  # late data: the recalculation changes the bill

    async def approve():
        await lifecycle.approve_bills(world.organization_id, [bill.id], actor=ACTOR)

    job = await run_with_a_person_in_between(world, monkeypatch, approve)

    after = await Bill.get(id=bill.id)
    assert (job.status, job.result_bill_ids) == ("COMPLETE", [str(bill.id)])
    assert (after.status, after.bill_total, after.version, after.auto_approve_blocked) == (
        "PENDING",
        D("135.00"),
        bill.version + 2,
        True,
    )
    types = [e.type for e in await Event.filter(entity_id=bill.id).order_by("sequence")]
    assert types == [bill_events.CREATED, bill_events.APPROVED, bill_events.UPDATED]


async def test_a_lock_before_a_recalculation_stores_keeps_the_bill_as_locked(app, monkeypatch):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    await billing.run_bill_job(world.organization_id, (await new_job(world)).id)
    [approved] = await lifecycle.approve_bills(world.organization_id, [(await world.bill_of("acme")).id], actor=ACTOR)
    await world.measure("acme", 100)

    async def lock():
        await lifecycle.lock_bill(world.organization_id, approved.id, version=approved.version, actor=ACTOR)

    job = await run_with_a_person_in_between(world, monkeypatch, lock)

    after = await Bill.get(id=approved.id)
    assert (job.status, job.failed, job.result_bill_ids) == ("COMPLETE", 0, [])
    assert (after.status, after.locked, after.bill_total, after.version) == (
        "APPROVED",
        True,
        D("125.00"),
        approved.version + 1,
    )
    types = [e.type for e in await Event.filter(entity_id=approved.id).order_by("sequence")]
    assert types == [bill_events.CREATED, bill_events.APPROVED, bill_events.LOCKED]
    # A locked bill refuses every change a person asks for, and nothing changes.
    for attempt in (
        lambda: lifecycle.approve_bills(world.organization_id, [approved.id], actor=ACTOR),
        lambda: lifecycle.lock_bill(world.organization_id, approved.id, version=after.version, actor=ACTOR),
        lambda: billing.recalculate_bills(
            world.organization_id, RecalculateBills(bill_ids=[approved.id]), actor=ACTOR, enqueue=None
        ),
    ):
        with pytest.raises(InputErrors) as refused:
            await attempt()
        assert [p.code.value for p in refused.value.problems] == ["INVALID_STATE"]
    assert (await Bill.get(id=approved.id)).version == after.version
    assert await BillJob.filter(organization_id=world.organization_id).count() == 2


async def test_a_pending_bill_cannot_be_locked_and_stays_as_it_was(app):
    world = await new_world()
    await world.account("acme")
    await billing.run_bill_job(world.organization_id, (await new_job(world)).id)
    bill = await world.bill_of("acme")
    with pytest.raises(InputErrors) as refused:
        await lifecycle.lock_bill(world.organization_id, bill.id, version=bill.version, actor=ACTOR)
    assert [p.code.value for p in refused.value.problems] == ["INVALID_STATE"]
    after = await Bill.get(id=bill.id)
    assert (after.status, after.locked, after.version) == ("PENDING", False, bill.version)
    # Approving twice approves once (a retry after a lost answer succeeds).
    await lifecycle.approve_bills(world.organization_id, [bill.id], actor=ACTOR)
    await asyncio.gather(*(lifecycle.approve_bills(world.organization_id, [bill.id], actor=ACTOR) for _ in range(2)))
    assert await Event.filter(entity_id=bill.id, type=bill_events.APPROVED).count() == 1
