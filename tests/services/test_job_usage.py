"""A bill job's usage read once for all its accounts (app.services.billing.job_usage), and
the one-pass query behind it (`aggregate_meter_usage`), which must give exactly what
`aggregate_usage` gives aggregation by aggregation."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from app.db import connection
from app.models.billing import BillJobAccount
from app.models.catalog import Aggregation
from app.models.ingest import MEASUREMENTS_COLUMNS
from app.services import billing
from app.services.billing import claim_loops, claims, initialize, job_usage, planning, run, snapshots, work
from app.services.billing.commands import CreateBillJob, RecalculateBills
from app.services.measurement_aggregates import aggregate_meter_usage, aggregate_usage, segments_of
from tests.services import ACTOR, BILL_DATE, FEB, JAN, UTC, at, line_view, lines_of, new_world

D = Decimal
FUNCTIONS = ("SUM", "MIN", "MAX", "COUNT", "MEAN", "UNIQUE", "LATEST")


async def store(world, rows: list[tuple[str, datetime, dict, datetime, int]]) -> None:
    """Measurements with exactly this data: (account code, ts, data, received at, batch index)."""
    batch_id = uuid.uuid4()
    records = [
        (
            world.organization_id,
            world.accounts[code].id,
            world.meter.id,
            ts,
            None,
            None,
            batch_id,
            index,
            received,
            json.dumps(data),
        )
        for code, ts, data, received, index in rows
    ]
    async with connection() as conn:
        await conn.copy_records_to_table("measurements", records=records, columns=MEASUREMENTS_COLUMNS)


async def awkward_usage(world) -> None:
    """Ties for LATEST, JSON nulls, absent fields, a MEAN that does not terminate, text
    values for UNIQUE, measurements outside the period and matching no segment."""
    received = datetime(2024, 2, 2, tzinfo=UTC)
    for code in ("a", "b", "c", "quiet"):
        await world.account(code)
    await store(
        world,
        [
            ("a", at(3), {"gb": 1, "region": "eu", "tag": "x"}, received, 0),
            ("a", at(4), {"gb": 2, "region": "us", "tag": "y"}, received, 1),
            ("a", at(4), {"gb": 7, "region": "eu", "tag": "x"}, received, 2),  # ties at(4): the last ingested wins
            ("a", at(2), {"gb": None, "region": "eu"}, received, 3),  # carries gb, a JSON null
            ("a", at(5), {"region": "apac", "tag": "z"}, received, 4),  # no gb at all
            ("b", at(9), {"gb": 2, "region": "apac"}, received, 5),
            (
                "b",
                at(9),
                {"gb": 5, "region": "eu"},
                received - timedelta(hours=1),
                6,
            ),  # accepted earlier: loses the tie
            ("b", at(8), {"gb": 3, "region": "eu"}, received, 9),
            ("c", at(1), {"tag": "only"}, received, 7),  # no gb: no usage of gb
            ("quiet", FEB, {"gb": 100}, received, 8),  # February: another period
        ],
    )


async def aggregations(world, *, segmented: bool) -> list[Aggregation]:
    extra = {"segmented_fields": ["region"], "segments": [{"region": "eu"}, {}, {"region": "us"}]} if segmented else {}
    made = []
    for function in FUNCTIONS:
        for field in ("gb", "tag"):
            if field == "tag" and function not in ("COUNT", "UNIQUE"):
                continue
            made.append(
                await Aggregation.create(
                    organization_id=world.organization_id,
                    product_id=world.product.id,
                    meter_id=world.meter.id,
                    code=f"{function.lower()}_{field}_{segmented}",
                    name=function,
                    target_field=field,
                    aggregation=function,
                    **extra,
                )
            )
    return made


@pytest.mark.parametrize("segmented", [False, True])
@pytest.mark.parametrize("by_index", [False, True])
async def test_one_pass_gives_what_each_aggregation_gives_alone(app, segmented, by_index):
    world = await new_world(f"one-pass-{segmented}-{by_index}")
    await awkward_usage(world)
    made = await aggregations(world, segmented=segmented)
    accounts = sorted(a.id for a in world.accounts.values())

    together = await aggregate_meter_usage(
        world.organization_id, world.meter.id, made, accounts if by_index else None, JAN, FEB, segments_of(made[0])
    )
    alone = {}
    for aggregation in made:
        for (account_id, key), value in (
            await aggregate_usage(world.organization_id, aggregation, accounts, JAN, FEB)
        ).items():
            alone[(account_id, aggregation.id, key)] = value
    assert together == alone
    assert {(type(v), str(v)) for v in together.values()} == {(type(v), str(v)) for v in alone.values()}
    a = world.accounts["a"].id
    mean = next(x for x in made if x.aggregation == "MEAN")
    latest = next(x for x in made if x.aggregation == "LATEST")
    if not segmented:
        b = world.accounts["b"].id
        assert together[(a, mean.id, "")] == D("2.5")  # the JSON null counts, as in aggregate_usage
        assert together[(b, mean.id, "")] == D("3." + "3" * 49)  # 10 / 3 to 50 significant digits
        assert together[(a, latest.id, "")] == D(7)
        assert together[(b, latest.id, "")] == D(2)
        assert all(key[0] != world.accounts["quiet"].id for key in together)


async def test_a_job_reads_each_meter_once_for_all_its_chunks(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    reads, live = [], []
    real_read, real_live = job_usage.aggregate_meter_usage, job_usage.fetch_usage

    async def counted_read(organization_id, meter_id, aggs, account_ids, start, end, segments):
        reads.append((len(aggs), account_ids))
        return await real_read(organization_id, meter_id, aggs, account_ids, start, end, segments)

    async def counted_live(organization_id, aggs, needs):
        live.append(len(needs))
        return await real_live(organization_id, aggs, needs)

    monkeypatch.setattr(job_usage, "aggregate_meter_usage", counted_read)
    monkeypatch.setattr(job_usage, "fetch_usage", counted_live)
    alone = []
    real_store_bill = work.store_bill

    async def store_bill(organization_id, bill, options):
        alone.append(bill.account_code)
        return await real_store_bill(organization_id, bill, options)

    monkeypatch.setattr(work, "store_bill", store_bill)
    world = await new_world()
    counted = await Aggregation.create(
        organization_id=world.organization_id,
        product_id=world.product.id,
        meter_id=world.meter.id,
        code="gb_count",
        name="Count",
        target_field="gb",
        aggregation="COUNT",
        default_value=D(4),
    )
    from app.models.catalog import Pricing

    await Pricing.create(
        organization_id=world.organization_id,
        plan_template_id=world.template.id,
        aggregation_id=counted.id,
        product_id=world.product.id,
        start_date=JAN,
        pricing_bands=[{"lowerLimit": "0", "unitPrice": "1"}],
    )
    for n in range(5):
        await world.account(f"a{n}")
        if n:
            await world.measure(f"a{n}", 100 * n, at(n + 1))
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    # both aggregations in one pass over the measurements; every chunk stored together
    assert ((await world.job(job.id)).status, reads, live, alone) == ("COMPLETE", [(2, None)], [], [])
    for bill in await world.bills():
        (clean,) = await billing.preview_bill(world.organization_id, bill.account_id, bill_date=BILL_DATE)
        assert [line_view(li) for li in await lines_of(bill)] == [line_view(li) for li in clean.lines]
    quiet = await world.bill_of("a0")  # no measurements: the COUNT's default value, no SUM line
    assert [(li.aggregation_id, li.quantity) for li in await lines_of(quiet)][:1] == [(counted.id, D(4))]
    async with connection() as conn:  # the job's rows went with it
        assert await conn.fetchval("SELECT count(*) FROM bill_job_usage WHERE bill_job_id = $1", job.id) == 0


async def accounts_with_usage_and_a_job(count: int):
    """A world of `count` accounts, each with its own usage, and a CREATE job for them."""
    world = await new_world()
    for n in range(count):
        await world.account(f"a{n}")
        await world.measure(f"a{n}", 100 * n + 50)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    return world, job


async def test_a_job_loads_its_catalog_once_for_its_initialization_and_its_chunks(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    loads = []
    real_load = snapshots.load_catalog

    async def counted_load(organization_id, org, account_ids, *args, **kwargs):
        loads.append(None if account_ids is None else len(account_ids))
        return await real_load(organization_id, org, account_ids, *args, **kwargs)

    monkeypatch.setattr(planning, "load_catalog", counted_load)
    monkeypatch.setattr(initialize, "load_catalog", counted_load)
    world, job = await accounts_with_usage_and_a_job(5)
    await billing.run_bill_job(world.organization_id, job.id)

    # once, for the whole organization: not again to plan the usage, nor in each of the 3 chunks
    assert ((await world.job(job.id)).status, loads) == ("COMPLETE", [None])
    loads.clear()
    for bill in await world.bills():
        (clean,) = await billing.preview_bill(world.organization_id, bill.account_id, bill_date=BILL_DATE)
        assert [line_view(li) for li in await lines_of(bill)] == [line_view(li) for li in clean.lines]
    assert loads == [1] * 5  # a preview loads its own
    loads.clear()
    again = await billing.recalculate_bills(
        world.organization_id, RecalculateBills(bill_ids=[b.id for b in await world.bills()]), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, again.id)
    assert ((await world.job(again.id)).status, loads) == ("COMPLETE", [5])  # to plan the usage, for every chunk


async def test_a_chunk_reads_what_the_job_did_not_prepare_from_the_measurements(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    world, job = await accounts_with_usage_and_a_job(4)
    real_work_on, prepared = run.work_on, []

    async def forget_then_work(organization_id, bill_job, claim, **options):
        options["usage"] = None  # as in a process other than the initializing one: the table is read
        async with connection() as conn:  # as for a job started before usage was prepared
            prepared.append(
                await conn.fetchval("SELECT count(*) FROM bill_job_usage WHERE bill_job_id = $1", bill_job.id)
            )
            await conn.execute(
                "DELETE FROM bill_job_usage WHERE bill_job_id = $1 AND account_id = $2",
                bill_job.id,
                claim.account_ids[0],
            )
        return await real_work_on(organization_id, bill_job, claim, **options)

    monkeypatch.setattr(run, "work_on", forget_then_work)
    await billing.run_bill_job(world.organization_id, job.id)
    assert prepared[0] == 4 and (await world.job(job.id)).failed == 0
    assert [b.bill_total for b in await world.bills()] == [D("37.50"), D("52.50"), D("67.50"), D("82.50")]


async def test_the_initializing_process_bills_from_the_usage_rows_it_holds(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    world, job = await accounts_with_usage_and_a_job(4)
    held, real_call = [], job_usage.JobUsage.__call__

    async def recorded(self, *args):
        held.append(self.known is not None)
        return await real_call(self, *args)

    monkeypatch.setattr(job_usage.JobUsage, "__call__", recorded)
    await billing.run_bill_job(world.organization_id, job.id)
    assert held == [True, True] and (await world.job(job.id)).failed == 0
    # the same totals as the chunks that read the table give (the test above)
    assert [b.bill_total for b in await world.bills()] == [D("37.50"), D("52.50"), D("67.50"), D("82.50")]


async def test_the_job_bills_the_usage_read_when_it_started_and_a_recalculation_the_rest(app, monkeypatch):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    real_work_on = run.work_on

    async def late_measurement_then_work(organization_id, bill_job, claim, **options):
        await world.measure("acme", 300, at(20))  # processed after the job's initialization
        return await real_work_on(organization_id, bill_job, claim, **options)

    monkeypatch.setattr(run, "work_on", late_measurement_then_work)
    await billing.run_bill_job(world.organization_id, job.id)
    assert (await world.bill_of("acme")).bill_total == D("125.00")  # 700 GB
    monkeypatch.undo()
    again = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, again.id)
    assert (await world.bill_of("acme")).bill_total == D("155.00")  # 1000 GB


async def test_the_sweep_deletes_the_usage_of_jobs_that_ended_without_it(app):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await run._initialize(world.organization_id, await world.job(job.id), None)
    await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR)
    async with connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bill_job_usage WHERE bill_job_id = $1", job.id) == 1

        async def enqueue(*args):
            pass

        await billing.sweep_bill_jobs(enqueue=enqueue)
        assert await conn.fetchval("SELECT count(*) FROM bill_job_usage WHERE bill_job_id = $1", job.id) == 0


async def test_a_chunk_that_cannot_be_stored_together_is_stored_bill_by_bill(app, monkeypatch):
    world = await new_world()
    await world.configure(bill_prefix="INV-", sequence_start_number=0)
    for code in ("a", "b", "c"):
        await world.account(code)
        await world.measure(code, 700)
    broken = world.accounts["b"].id
    real_store_bill = work.store_bill

    async def chunk_fails(organization_id, bills):
        raise RuntimeError("one bill of the chunk is bad")

    async def store_bill(organization_id, bill, options):
        if bill.account_id == broken:
            raise RuntimeError("this bill is bad")
        return await real_store_bill(organization_id, bill, options)

    monkeypatch.setattr(work, "store_bills", chunk_fails)
    monkeypatch.setattr(work, "store_bill", store_bill)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    done = await world.job(job.id)
    assert (done.status, done.total, done.failed, len(done.result_bill_ids)) == ("COMPLETE", 3, 1, 2)
    failed = await BillJobAccount.get(bill_job_id=job.id, status="FAILED")
    assert failed.account_id == broken and "could not be stored: internal error (reference " in failed.reason
    bills = await world.bills()
    assert [b.account_code for b in bills] == ["a", "c"]
    assert sorted(b.sequential_invoice_number for b in bills) == ["INV-1", "INV-2"]


async def test_a_helper_passes_itself_on_when_its_process_has_enough_loops(app, monkeypatch):
    world = await new_world()
    await world.account("acme")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    enqueued = []

    async def enqueue(*args):
        enqueued.append(args)

    loops = claim_loops.ClaimLoops()  # a process already running its share of the job's loops
    held = [loops.held(job.id) for _ in range(claim_loops.LOOPS_PER_PROCESS)]
    for loop in held:
        loop.__enter__()
    assert (
        await billing.process_bill_job_chunks(world.organization_id, job.id, enqueue=enqueue, hops=0, loops=loops) == 0
    )
    assert (
        await billing.process_bill_job_chunks(
            world.organization_id, job.id, enqueue=enqueue, hops=run.MAX_HOPS, loops=loops
        )
        == 0
    )
    assert enqueued == [("process_bill_job_chunks", str(job.id), str(world.organization_id), 1)]
    for loop in held:
        loop.__exit__(None, None, None)
    await billing.run_bill_job(world.organization_id, job.id)  # a helper of a finished job just ends
    assert await billing.process_bill_job_chunks(world.organization_id, job.id, enqueue=enqueue, hops=0) == 0
    assert len(enqueued) == 1 and (await world.job(job.id)).status == "COMPLETE"


async def test_the_heartbeat_goes_on_while_the_usage_is_read(app, monkeypatch):
    monkeypatch.setattr(run, "HEARTBEAT_SECONDS", 0.05)
    world = await new_world()
    await world.account("acme")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    real_prepare, beats = run.prepare_job_usage, []

    async def slow_prepare(organization_id, bill_job, account_ids):
        before = (await world.job(bill_job.id)).dt_heartbeat
        await asyncio.sleep(0.3)  # a big organization's usage
        beats.append(((await world.job(bill_job.id)).dt_heartbeat - before).total_seconds())
        return await real_prepare(organization_id, bill_job, account_ids)

    monkeypatch.setattr(run, "prepare_job_usage", slow_prepare)
    await billing.run_bill_job(world.organization_id, job.id)
    assert beats[0] > 0.1 and (await world.job(job.id)).status == "COMPLETE"


async def usage_table() -> tuple[int, int]:
    """(rows, bytes on disk) of bill_job_usage: a truncated table has no pages, one whose
    rows were deleted keeps them (dead rows) until a vacuum."""
    async with connection() as conn:
        return await conn.fetchval("SELECT count(*) FROM bill_job_usage"), await conn.fetchval(
            "SELECT pg_relation_size('bill_job_usage')"
        )


async def test_a_job_ending_alone_truncates_the_usage_table_so_no_dead_rows_pile_up(app):
    async with connection() as conn:  # other tests' leftovers in this session's database
        await conn.execute("TRUNCATE bill_job_usage")
    world = await new_world()
    for code in ("a", "b", "c"):
        await world.account(code)
        await world.measure(code, 100)
    sizes = []
    for _ in range(3):
        job = await billing.create_bill_job(
            world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
        )
        await billing.run_bill_job(world.organization_id, job.id)
        assert (await world.job(job.id)).status == "COMPLETE"
        sizes.append(await usage_table())
    assert sizes == [(0, 0)] * 3
    assert [b.bill_total for b in await world.bills()] == [D("45.00")] * 3  # 100 GB × 0.15 + the 30 standing charge


async def test_another_jobs_usage_is_kept_and_the_last_job_to_end_truncates(app):
    async with connection() as conn:
        await conn.execute("TRUNCATE bill_job_usage")
    world = await new_world()
    await world.account("a")
    await world.measure("a", 100)
    other = await new_world()
    await other.account("x")
    await other.measure("x", 200)
    waiting = await billing.create_bill_job(
        other.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await run._initialize(other.organization_id, await other.job(waiting.id), None)  # RUNNING, its rows written
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    rows, size = await usage_table()
    assert (await world.job(job.id)).status == "COMPLETE" and rows == 1 and size > 0  # the other job's row
    await billing.run_bill_job(other.organization_id, waiting.id)
    assert (await other.job(waiting.id)).status == "COMPLETE" and await usage_table() == (0, 0)
    assert (await other.bill_of("x")).bill_total == D("60.00")  # 200 GB × 0.15 + 30


async def test_the_sweep_truncates_when_only_ended_jobs_have_usage_rows(app):
    async with connection() as conn:
        await conn.execute("TRUNCATE bill_job_usage")
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await run._initialize(world.organization_id, await world.job(job.id), None)
    await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR)
    assert (await usage_table())[0] == 1
    assert await job_usage.discard_ended_jobs_usage() == 1
    assert await usage_table() == (0, 0)
