"""billJobProgress subscribers of one job in one process share the row read each message
causes, and a subscriber's first read (the current state) is always its own."""

from __future__ import annotations

import asyncio

from app.db import count_statements
from app.graphql.billing.subscription import _row_loader
from app.models.billing import BillJob
from app.services import billing
from app.services.billing.commands import CreateBillJob
from tests.services import ACTOR, BILL_DATE, new_world


def reads_of(counter) -> int:
    return sum("bill_jobs" in statement for statement in counter.statements)


async def test_subscribers_of_one_job_share_a_read_and_see_the_change(app):
    world = await new_world()
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    loaders = [_row_loader(world.organization_id, job.id) for _ in range(20)]
    with count_statements() as first:
        assert {(await load()).version for load in loaders} == {job.version}
    assert reads_of(first) == 20  # each subscriber's current state: its own read
    await BillJob.filter(organization_id=world.organization_id, id=job.id).update(version=job.version + 1)
    with count_statements() as shared:
        rows = await asyncio.gather(*(load() for load in loaders))
    assert {row.version for row in rows} == {job.version + 1} and reads_of(shared) == 1
    with count_statements() as later:  # once done, the next message reads again
        await asyncio.gather(*(load() for load in loaders[:5]))
    assert reads_of(later) == 1
