"""Balance money is drawn once, however bill jobs race (SEMANTICS §11.2, with the
commitments of `test_integrity_draws_concurrency`).

Two real arq workers, each taking one job at a time, run two bill jobs over ONE account at
the same moment, in rounds over fresh accounts. The account has a balance credited 100.00:
- two monthly runs at once (January and February, 60 GB each at 1.00 a GB), the balance
  alone: it covers 100 of the 120 exactly once;
- a recalculation beside the monthly run, with a commitment of 100.00 too (the default
  order [PREPAYMENT, BALANCE]): January was billed with 30 GB (the commitment drew 30),
  then 100 GB more arrive for January and 150 GB for February; January's recalculation
  and February's run go together (280 eligible against 200).
Storing is held back a little (composed, then stored 0.2 s later; the stored draws read
0.1 s before the storing transaction goes on), so both jobs compose from the same stored
draws. Without the balance draws decided again under the account's lock, both bills draw
the balance (200 drawn on a credit of 100). Each round checks that the stored
BALANCE_CONSUMED lines draw exactly 100 (never more, nothing left while charges were above
it), that the balance's derived amount is 0, and that the commitment (if any) drew exactly
100.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import pytest_asyncio

from app.db import connection
from app.models.accounts import Commitment
from app.models.balances import Balance, BalanceTransaction
from app.models.billing import Bill
from app.services import billing
from app.services.balances import billing as balance_billing
from app.services.balances.amounts import balance_summaries
from app.services.billing import draws, work
from app.services.billing.commands import CreateBillJob, RecalculateBills
from tests.services import ACTOR, new_world
from tests.workers import run_burst_worker
from workers.settings import queue_client

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

QUEUE = f"metergraph:test-balance-draws:{uuid.uuid4().hex[:10]}"
ROUNDS = 6  # of each kind: 12 races
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
    """Both jobs compose from the same stored draws, then store one after the other."""
    real_store, real_read = work.store_bills, draws.read_balance_draws

    async def store_later(organization_id, bills):
        await asyncio.sleep(0.2)
        return await real_store(organization_id, bills)

    async def read_then_wait(*args):
        found = await real_read(*args)
        await asyncio.sleep(0.1)
        return found

    monkeypatch.setattr(work, "store_bills", store_later)
    monkeypatch.setattr(draws, "read_balance_draws", read_then_wait)
    assert balance_billing.read_balance_draws is real_read  # the storing path reads through `draws`


async def _race(*jobs) -> None:
    await asyncio.gather(*(run_burst_worker(queue_name=QUEUE, max_jobs=1) for _ in jobs))


async def _new_account(world, n: int, *, commitment: bool):
    account = await world.account(f"acct-{n:02}")
    committed = None
    if commitment:
        committed = await Commitment.create(
            organization_id=world.organization_id,
            account_id=account.id,
            currency="USD",
            amount=D(100),
            start_date=date(2024, 1, 1),
            end_date=date(2024, 4, 1),
        )
    balance = await Balance.create(
        organization_id=world.organization_id,
        account_id=account.id,
        code=f"wallet-{n}",
        name="Wallet",
        currency="USD",
        start_date=datetime(2024, 1, 1, tzinfo=UTC),
        end_date=datetime(2024, 12, 1, tzinfo=UTC),
    )
    await BalanceTransaction.create(
        organization_id=world.organization_id,
        balance_id=balance.id,
        amount=D(100),
        applied_date=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return account, committed, balance


async def _job(world, account, last: date, enqueue):
    return await billing.create_bill_job(
        world.organization_id,
        CreateBillJob(last_date_in_billing_period=last, account_ids=[str(account.id)]),
        actor=ACTOR,
        enqueue=enqueue,
    )


async def _drawn(line_type: str, column: str, source_id) -> Decimal:
    async with connection() as conn:
        return await conn.fetchval(
            f"SELECT coalesce(-sum(subtotal), 0) FROM bill_line_items WHERE {column} = $1 AND line_item_type = $2",
            source_id,
            line_type,
        )


async def _check(world, account, commitment, balance, jobs, where: str) -> None:
    for job in jobs:
        done = await world.job(job.id)
        assert (done.status, done.failed) == ("COMPLETE", 0), (where, done.status, done.failure_reason)
    assert await _drawn("BALANCE_CONSUMED", "balance_id", balance.id) == D(100), where
    if commitment is not None:
        assert await _drawn("COMMITMENT_CONSUMED", "commitment_id", commitment.id) == D(100), where
    [summary] = (
        await balance_summaries(world.organization_id, [balance], now=datetime(2024, 3, 2, tzinfo=UTC))
    ).values()
    assert (summary.amount, summary.total_debit_amount) == (D(0), D(100)), where
    assert await Bill.filter(account_id=account.id).count() == 2


async def test_two_months_billed_at_once_draw_the_balance_once(app, enqueue, slow_store):
    world = await new_world(standing_charge="0", bands=FLAT)
    for n in range(ROUNDS):
        account, commitment, balance = await _new_account(world, n, commitment=False)
        for month in (1, 2):
            await world.measure(account.code, 60, datetime(2024, month, 10, tzinfo=UTC))
        jobs = [await _job(world, account, JAN_END, enqueue), await _job(world, account, FEB_END, enqueue)]
        await _race(*jobs)
        await _check(world, account, commitment, balance, jobs, f"round {n}")


async def test_a_recalculation_beside_the_monthly_run_draws_the_balance_once(app, enqueue, slow_store):
    world = await new_world(standing_charge="0", bands=FLAT)
    for n in range(ROUNDS):
        account, commitment, balance = await _new_account(world, 100 + n, commitment=True)
        await world.measure(account.code, 30, datetime(2024, 1, 10, tzinfo=UTC))
        january = await _job(world, account, JAN_END, enqueue)
        await _race(january)
        await world.measure(account.code, 100, datetime(2024, 1, 20, tzinfo=UTC))  # late January usage
        await world.measure(account.code, 150, datetime(2024, 2, 10, tzinfo=UTC))
        bill = await Bill.get(account_id=account.id)
        jobs = [
            await billing.recalculate_bills(
                world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=enqueue
            ),
            await _job(world, account, FEB_END, enqueue),
        ]
        await _race(*jobs)
        await _check(world, account, commitment, balance, [january, *jobs], f"round {n}")
