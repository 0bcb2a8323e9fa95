"""Two real arq workers run the scheduler tick at the same moment: one run, not two
(SEMANTICS §13.2; the claim is the unique (organization, run instant) in the database).

Both workers consume this session's own queue; each takes one tick (max_jobs=1) for the
same injected instant, 2024-02-01 00:30 UTC, then the bill jobs of the run. The world is
the service tests' one: acme on the monthly $30 + tiered plan from 2024-01-01 with 700 GB
in January, so the run bills January (dated 02-01): 500 × 0.15 + 200 × 0.10 + 30 = 125.00.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio

from app.models.billing import Bill, BillJob, ScheduledRun
from tests.services import new_world
from tests.workers import run_burst_worker
from workers.settings import queue_client

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

QUEUE = f"metergraph:test-scheduler:{uuid.uuid4().hex[:10]}"
NOW = datetime(2024, 2, 1, 0, 30, tzinfo=UTC)


@pytest_asyncio.fixture
async def pool(settings) -> AsyncIterator:
    client = queue_client(settings.redis_url, queue_name=QUEUE)
    try:
        yield client
    finally:
        await client.delete(QUEUE)
        await client.aclose(close_connection_pool=True)


async def test_two_workers_ticking_at_once_start_one_run(app, pool):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    await world.configure(scheduled_bill_interval="6")
    for _ in range(2):
        await pool.enqueue_job("run_scheduled_billing", NOW.isoformat())
    await asyncio.gather(*(run_burst_worker(queue_name=QUEUE, max_jobs=1) for _ in range(2)))
    runs = await ScheduledRun.filter(organization_id=world.organization_id)
    assert [r.run_at for r in runs] == [datetime(2024, 2, 1, tzinfo=UTC)]
    jobs = await BillJob.filter(organization_id=world.organization_id).order_by("bill_date")
    assert [(j.bill_date, j.scheduled, j.status) for j in jobs] == [
        (date(2024, 2, 1), True, "COMPLETE"),
        (date(2024, 3, 1), True, "COMPLETE"),
    ]
    bills = await Bill.filter(organization_id=world.organization_id).order_by("bill_date")
    assert [(b.bill_date, str(b.bill_total)) for b in bills][0] == (date(2024, 2, 1), "125.00")
    assert len(bills) == 2
