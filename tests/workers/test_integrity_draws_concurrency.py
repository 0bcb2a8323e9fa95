"""Commitment money is drawn once, however bill jobs race (finding 3).

Two real arq workers, each taking one job at a time, run two bill jobs over ONE account
at the same moment, in many rounds over fresh accounts:
- two monthly runs at once (January and February), 60 GB each at 1.00 a GB against a
  commitment of 100.00;
- a recalculation beside the monthly run: January was billed with 30 GB (drew 30), then
  50 GB more arrive for January and 80 GB for February; January's recalculation and
  February's run go together.
Storing is held back a little (the chunk's bills are composed, then stored 0.2 s later;
the stored draws are read 0.1 s before the storing transaction goes on) so that both
jobs compose from the same stored draws, which is the race; without the draws being
decided again under the account's lock, both bills draw what they saw as remaining
(120 and 150 drawn on a 100 commitment), and deciding them again without the lock is
not enough either. Each round checks that the commitment's
amountSpent equals what the stored COMMITMENT_CONSUMED lines draw, and is exactly 100:
never more, and nothing left undrawn while eligible charges were above it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal

import pytest
import pytest_asyncio

from app.db import connection
from app.models.accounts import Commitment
from app.models.billing import Bill
from app.services import billing
from app.services.billing import draws, work
from app.services.billing.commands import CreateBillJob, RecalculateBills
from tests.services import ACTOR, UTC, new_world
from tests.workers import run_burst_worker
from workers.settings import queue_client

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

QUEUE = f"metergraph:test-draws:{uuid.uuid4().hex[:10]}"
ROUNDS = 10  # of each kind: 20 races
JAN_END, FEB_END = date(2024, 1, 31), date(2024, 2, 29)
FLAT = [{"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}]
D = Decimal


@pytest_asyncio.fixture
async def enqueue(settings) -> AsyncIterator:
    pool = queue_client(settings.redis_url, queue_name=QUEUE)

    async def enqueue_job(name, *args):
        return await pool.enqueue_job(name, *args)

    try:
        yield enqueue_job
    finally:
        await pool.delete(QUEUE)
        await pool.aclose(close_connection_pool=True)


@pytest.fixture
def slow_store(monkeypatch):
    """Every chunk waits a moment between composing and storing its bills, and between
    reading the stored draws and committing: both jobs' windows overlap."""
    real_store, real_read = work.store_bills, draws.read_draws

    async def store_later(organization_id, bills):
        await asyncio.sleep(0.2)
        return await real_store(organization_id, bills)

    async def read_then_wait(*args):
        found = await real_read(*args)
        await asyncio.sleep(0.1)
        return found

    monkeypatch.setattr(work, "store_bills", store_later)
    monkeypatch.setattr(draws, "read_draws", read_then_wait)


async def _race(*jobs) -> None:
    """Both jobs are queued; two workers take one each and run them together."""
    await asyncio.gather(*(run_burst_worker(queue_name=QUEUE, max_jobs=1) for _ in jobs))


async def _new_account(world, n: int):
    account = await world.account(f"acct-{n:02}")
    commitment = await Commitment.create(
        organization_id=world.organization_id,
        account_id=account.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 4, 1),
        commitment_usage_description="Drawn",
    )
    return account, commitment


async def _job(world, account, last: date, enqueue):
    return await billing.create_bill_job(
        world.organization_id,
        CreateBillJob(last_date_in_billing_period=last, account_ids=[str(account.id)]),
        actor=ACTOR,
        enqueue=enqueue,
    )


async def _drawn(commitment) -> tuple[Decimal, Decimal]:
    """(amountSpent, Σ draws of the stored COMMITMENT_CONSUMED lines)."""
    async with connection() as conn:
        lines = await conn.fetchval(
            """SELECT coalesce(-sum(subtotal), 0) FROM bill_line_items
               WHERE commitment_id = $1 AND line_item_type = 'COMMITMENT_CONSUMED'""",
            commitment.id,
        )
    return (await Commitment.get(id=commitment.id)).amount_spent, lines


async def _check(world, account, commitment, jobs, where: str) -> None:
    for job in jobs:
        done = await world.job(job.id)
        assert (done.status, done.failed) == ("COMPLETE", 0), (where, done.status, done.failure_reason)
    spent, lines = await _drawn(commitment)
    assert spent == lines, f"{where}: amountSpent {spent} but the bills drew {lines}"
    assert spent == D(100), f"{where}: {spent} drawn on a commitment of 100"
    assert await Bill.filter(account_id=account.id).count() == 2


async def test_two_months_billed_at_once_draw_the_commitment_once(app, enqueue, slow_store):
    world = await new_world(standing_charge="0", bands=FLAT)
    for n in range(ROUNDS):
        account, commitment = await _new_account(world, n)
        for month in (1, 2):
            await world.measure(account.code, 60, datetime(2024, month, 10, tzinfo=UTC))
        jobs = [await _job(world, account, JAN_END, enqueue), await _job(world, account, FEB_END, enqueue)]
        await _race(*jobs)
        await _check(world, account, commitment, jobs, f"round {n}")


async def test_a_recalculation_beside_the_monthly_run_draws_the_commitment_once(app, enqueue, slow_store):
    world = await new_world(standing_charge="0", bands=FLAT)
    for n in range(ROUNDS):
        account, commitment = await _new_account(world, 100 + n)
        await world.measure(account.code, 30, datetime(2024, 1, 10, tzinfo=UTC))
        january = await _job(world, account, JAN_END, enqueue)
        await _race(january)
        assert await _drawn(commitment) == (D(30), D(30))
        await world.measure(account.code, 50, datetime(2024, 1, 20, tzinfo=UTC))  # late January usage
        await world.measure(account.code, 80, datetime(2024, 2, 10, tzinfo=UTC))
        bill = await Bill.get(account_id=account.id)
        jobs = [
            await billing.recalculate_bills(
                world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=enqueue
            ),
            await _job(world, account, FEB_END, enqueue),
        ]
        await _race(*jobs)
        await _check(world, account, commitment, [january, *jobs], f"round {n}")
