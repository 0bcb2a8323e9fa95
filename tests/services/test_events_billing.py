"""Bill, bill job, bill config and ingest events (SEMANTICS §14.1), from the real writers:
bill jobs run by burst workers (the chunked path and the per-bill fallback), recalculation,
approval, locking, the lock date, and ingest processing."""

import json
import uuid
from datetime import date

import pytest
import pytest_asyncio

from app.db import connection
from app.models.billing import Bill
from app.models.events import Event
from app.services import billing
from app.services.billing import lifecycle, lock_date, persist_many, work
from app.services.billing.commands import CreateBillJob, RecalculateBills, UpdateBillConfig
from app.services.events import bills as bill_events
from app.services.events.bills import bill_snapshots
from tests.services import ACTOR, BILL_DATE, new_world
from tests.workers import accepted_batch, ingest_queue, make_meter, run_burst_worker  # noqa: F401 - fixture
from workers.settings import queue_client

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

QUEUE = f"metergraph:test-event-bills:{uuid.uuid4().hex[:10]}"


@pytest_asyncio.fixture
async def enqueue(settings):
    pool = queue_client(settings.redis_url, queue_name=QUEUE)

    async def enqueue_job(name, *args):
        return await pool.enqueue_job(name, *args)

    try:
        yield enqueue_job
    finally:
        await pool.delete(QUEUE)
        await pool.aclose(close_connection_pool=True)


async def events(organization_id, *types) -> list[Event]:
    query = Event.filter(organization_id=organization_id)
    if types:
        query = query.filter(type__in=types)
    return await query.order_by("occurred_at", "sequence")


async def run_job(world, enqueue, command=None):
    job = await billing.create_bill_job(
        world.organization_id, command or CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=enqueue
    )
    await run_burst_worker(queue_name=QUEUE)
    return await world.job(job.id)


async def test_a_bill_job_records_each_bill_and_its_end(app, enqueue):
    world = await new_world("Events")
    for code in ("acme", "globex", "initech"):
        await world.account(code)
    await world.measure("acme", 700)
    job = await run_job(world, enqueue)
    assert job.status == "COMPLETE"
    bills = {b.id: b for b in await world.bills()}
    created = await events(world.organization_id, bill_events.CREATED)
    assert sorted(e.entity_id for e in created) == sorted(bills)
    for event in created:
        bill = bills[event.entity_id]
        assert (event.entity_type, event.sequence, set(event.payload)) == ("bill", 1, {"new"})
        # The bill as the API shows it, without line items; the same form the ORM gives.
        assert event.payload["new"] == bill_events.bill_snapshot(bill)
        assert event.payload["new"]["billTotal"] == str(bill.bill_total)
        assert event.payload["new"]["billJobId"] == str(job.id) and "lineItems" not in event.payload["new"]
    [ended] = await events(world.organization_id, "billing.billjob.completed")
    assert (ended.entity_type, ended.entity_id, ended.payload["new"]["status"]) == ("billjob", job.id, "COMPLETE")
    assert ended.payload["new"]["resultBillIds"] == json.loads(json.dumps(job.result_bill_ids))


async def test_recalculation_records_old_and_new(app, enqueue):
    world = await new_world("Events")
    await world.account("acme")
    await world.measure("acme", 700)
    await run_job(world, enqueue)
    before = await world.bill_of("acme")
    await world.measure("acme", 300)
    job = await billing.recalculate_bills(
        world.organization_id, RecalculateBills(bill_ids=[before.id]), actor=ACTOR, enqueue=enqueue
    )
    await run_burst_worker(queue_name=QUEUE)
    after = await world.bill_of("acme")
    [event] = await events(world.organization_id, bill_events.UPDATED)
    assert (event.entity_id, event.sequence) == (before.id, 2)
    assert event.payload == {"old": bill_events.bill_snapshot(before), "new": bill_events.bill_snapshot(after)}
    assert event.payload["new"]["billJobId"] == str(job.id)
    assert event.payload["old"]["billTotal"] != event.payload["new"]["billTotal"]


async def test_the_per_bill_fallback_records_the_same_events(app, enqueue, monkeypatch):
    calls = []

    async def chunk_fails(*args, **kwargs):
        calls.append(args)
        raise persist_many.NotStored("forced: each bill alone")

    monkeypatch.setattr(work, "store_bills", chunk_fails)
    world = await new_world("Events")
    await world.account("acme")
    await world.account("globex")
    await run_job(world, enqueue)
    assert calls  # the chunk path was tried and each bill was stored alone
    bills = {b.id: b for b in await world.bills()}
    created = await events(world.organization_id, bill_events.CREATED)
    assert sorted(e.entity_id for e in created) == sorted(bills) and len(bills) == 2
    assert all(e.payload == {"new": bill_events.bill_snapshot(bills[e.entity_id])} for e in created)


async def test_approve_lock_and_lock_date(app, enqueue):
    world = await new_world("Events")
    await world.account("acme")
    await world.account("globex")
    await run_job(world, enqueue)
    acme, globex = await world.bill_of("acme"), await world.bill_of("globex")
    await lifecycle.approve_bills(world.organization_id, [acme.id, globex.id], actor=ACTOR)
    await lifecycle.lock_bill(world.organization_id, acme.id, version=acme.version + 1, actor=ACTOR)
    approved = await events(world.organization_id, bill_events.APPROVED)
    assert {e.entity_id for e in approved} == {acme.id, globex.id}
    acme_approved = next(e for e in approved if e.entity_id == acme.id)
    assert (acme_approved.payload["old"]["status"], acme_approved.payload["new"]["status"]) == ("PENDING", "APPROVED")
    [locked] = await events(world.organization_id, bill_events.LOCKED)
    assert (locked.entity_id, locked.sequence, locked.payload["new"]["locked"]) == (acme.id, 3, True)

    # The lock date locks globex (.locked) and records the bill config's change.
    config = await lock_date.get_bill_config(world.organization_id)
    await lock_date.update_bill_config(
        world.organization_id, UpdateBillConfig(bill_lock_date=date(2024, 1, 31), version=config.version), actor=ACTOR
    )
    by_date = [e for e in await events(world.organization_id, bill_events.LOCKED) if e.entity_id == globex.id]
    assert [e.payload["new"]["lockedByLockDate"] for e in by_date] == [True]
    [config_event] = await events(world.organization_id, "billing.billconfig.updated")
    assert (config_event.payload["old"]["billLockDate"], config_event.payload["new"]["billLockDate"]) == (
        None,
        "2024-01-31",
    )
    # Every bill's events are numbered 1, 2, 3 … without gaps.
    for bill in (acme, globex):
        sequences = [e.sequence for e in await Event.filter(entity_id=bill.id).order_by("sequence")]
        assert sequences == list(range(1, len(sequences) + 1))


async def test_sql_and_orm_give_a_bill_the_same_payload(app, enqueue):
    world = await new_world("Events")
    await world.account("acme")
    await world.measure("acme", 12.5)
    await run_job(world, enqueue)
    bill = await world.bill_of("acme")
    await Bill.filter(id=bill.id).update(purchase_order_number="PO-1")  # a null and a set text among the columns
    bill = await Bill.get(id=bill.id)
    async with connection() as conn:
        [stored] = (await bill_snapshots(conn, world.organization_id, [bill.id])).values()
    assert json.loads(stored) == bill_events.bill_snapshot(bill)


async def test_a_rejected_measurement_records_one_validation_failure(app, tenant, ingest_queue):
    org = uuid.UUID(tenant.organization_id)
    await make_meter(org)
    await tenant.gql(
        'mutation { createAccount(input: {code: "acme", name: "Acme", emailAddress: "a@example.com"}) '
        "{ userErrors { code } } }"
    )
    good = {"uid": "ok-1", "meter": "storage", "account": "acme", "ts": "2024-01-10T00:00:00Z", "measure": {"gb": 1}}
    bad = [{**good, "uid": f"bad-{i}", "meter": "nope"} for i in range(120)]
    batch = await accepted_batch(tenant, [good, *bad])
    clean = await accepted_batch(tenant, [{**good, "uid": "ok-2"}])
    await run_burst_worker()
    [event] = await events(org, "ingest.validation.failure")
    assert (event.entity_type, event.entity_id) == ("measurementbatch", batch)
    payload = event.payload
    assert (payload["itemCount"], payload["stored"], payload["rejected"]) == (121, 1, 120)
    assert len(payload["rejections"]) == 100
    first = payload["rejections"][0]
    assert (first["index"], first["uid"], first["code"]) == (1, "bad-0", "UNKNOWN_METER") and first["reason"]
    assert not await Event.filter(entity_id=clean).exists()
