"""A scheduled recalculation that changes nothing leaves the bill alone (SEMANTICS §13.2
rule 3) on every way a bill job stores bills: the chunk's one transaction
(`persist_many`) and each bill in its own transaction (`persist.store_bill`), the path a
chunk falls back to when it cannot be stored together and the path of an empty bill of an
organization that suppresses them."""

from __future__ import annotations

from app.models.events import Event
from app.services import billing
from app.services.billing import persist_many, work
from app.services.billing.lifecycle import approve_bills
from app.services.events import bills as bill_events
from tests.services import line_view, lines_of
from tests.services.test_scheduling import january_bill, scheduled_world, tick, utc


async def test_an_unchanged_bill_stored_alone_by_a_scheduled_run_is_left_alone(app, monkeypatch):
    world = await scheduled_world()
    await world.measure("acme", 700)
    await tick(world, utc(2024, 2, 1, 0, 30))
    made = await january_bill(world)
    await approve_bills(world.organization_id, [made.id], actor="tester")
    approved = await january_bill(world)
    lines_before = [line_view(line) for line in await lines_of(approved)]

    async def chunk_fails(*args, **kwargs):
        raise persist_many.NotStored("forced: each bill alone")

    monkeypatch.setattr(work, "store_bills", chunk_fails)
    jobs = await tick(world, utc(2024, 2, 1, 6))

    assert [j.status for j in jobs] == ["COMPLETE", "COMPLETE"]
    untouched = await january_bill(world)
    assert (untouched.status, untouched.version, untouched.bill_job_id) == (
        "APPROVED",
        approved.version,
        made.bill_job_id,
    )
    assert [line_view(line) for line in await lines_of(untouched)] == lines_before
    assert str(untouched.id) not in jobs[0].result_bill_ids
    updated = await Event.filter(entity_id=made.id, type=bill_events.UPDATED).count()
    assert updated == 0

    # Changed by late data, the bill stored alone is recalculated as usual.
    await world.measure("acme", 100, ts=utc(2024, 1, 20))
    jobs = await tick(world, utc(2024, 2, 1, 12))
    changed = await january_bill(world)
    assert (str(changed.bill_total), changed.status, changed.version) == ("135.00", "PENDING", approved.version + 1)
    assert str(changed.id) in jobs[0].result_bill_ids
    assert await Event.filter(entity_id=made.id, type=bill_events.UPDATED).count() == 1


async def test_a_manual_job_stored_alone_still_recalculates_an_unchanged_bill(app, monkeypatch):
    world = await scheduled_world()
    await world.measure("acme", 700)
    await tick(world, utc(2024, 2, 1, 0, 30))
    before = await january_bill(world)

    async def chunk_fails(*args, **kwargs):
        raise persist_many.NotStored("forced: each bill alone")

    monkeypatch.setattr(work, "store_bills", chunk_fails)
    job = await billing.create_bill_job(
        world.organization_id, billing.CreateBillJob(bill_date=before.bill_date), actor="t", enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    assert (await january_bill(world)).version == before.version + 1
