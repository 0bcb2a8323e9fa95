"""Bill jobs end to end at the service level (SEMANTICS §7.4–7.5), real PostgreSQL.

`run_bill_job` is called directly (the arq job body); the arq path, crashes and the sweep
are in tests/workers/test_bill_jobs.py.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal

import asyncpg
import pytest

from app.db import asyncpg_url
from app.models.billing import Bill, BillJob, BillJobAccount
from app.services import billing
from app.services.billing import claims, work
from app.services.billing.commands import CreateBillJob, CurrencyConversion, RecalculateBills
from app.services.errors import InputErrors
from tests.services import ACTOR, BILL_DATE, LAST_DAY, at, lines_of, new_world

D = Decimal


def tiered(units: int) -> Decimal:
    """0 @ 0.15 up to 500, 0.10 above, to the cent."""
    return (min(units, 500) * D("0.15") + max(units - 500, 0) * D("0.10")).quantize(D("0.01"))


async def create_and_run(world, **data) -> uuid.UUID:
    data.setdefault("last_date_in_billing_period", LAST_DAY)
    enqueued: list[tuple] = []

    async def enqueue(name, *args):
        enqueued.append((name, *args))

    job = await billing.create_bill_job(world.organization_id, CreateBillJob(**data), actor=ACTOR, enqueue=enqueue)
    assert enqueued == [("run_bill_job", str(job.id), str(world.organization_id))]
    assert job.status == "PENDING" and job.dt_cutoff is not None
    await billing.run_bill_job(world.organization_id, job.id)
    return job.id


async def test_a_job_bills_every_account_with_its_lines_and_totals(app):
    world = await new_world()
    await world.account("acme")
    await world.account("globex")
    await world.measure("acme", 300, at(3))
    await world.measure("acme", 400, at(20))
    await world.measure("globex", 100, at(31, 23))
    job_id = await create_and_run(world)

    job = await world.job(job_id)
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 2, 0, 0)
    assert job.dt_started is not None and job.dt_completed is not None
    acme, globex = await world.bills()
    assert sorted(job.result_bill_ids) == sorted([str(acme.id), str(globex.id)])
    assert (acme.bill_total, globex.bill_total) == (D("125.00"), D("45.00"))
    assert (acme.bill_date, acme.due_date, acme.start_date, acme.end_date) == (
        BILL_DATE,
        BILL_DATE.replace(month=3, day=2),
        at(1).date(),
        BILL_DATE,
    )
    assert (acme.status, acme.locked, acme.bill_job_id, acme.billing_frequency, acme.currency) == (
        "PENDING",
        False,
        job_id,
        "MONTHLY",
        "USD",
    )
    usage, standing = await lines_of(acme)
    assert (usage.line_item_type, usage.quantity, usage.units, usage.subtotal) == ("USAGE", D(700), D(700), D("95.00"))
    assert usage.aggregation_id == world.aggregation.id and usage.meter_id == world.meter.id
    assert usage.usage_per_pricing_band == [
        {
            "lowerLimit": "0",
            "unitPrice": "0.15",
            "fixedPrice": "0",
            "bandUnits": "500",
            "bandQuantity": "500",
            "bandSubtotal": "75.00",
        },
        {
            "lowerLimit": "500",
            "unitPrice": "0.10",
            "fixedPrice": "0",
            "bandUnits": "200",
            "bandQuantity": "200",
            "bandSubtotal": "20.00",
        },
    ]
    assert (standing.line_item_type, standing.subtotal, standing.description) == ("STANDING_CHARGE", D("30.00"), "Base")
    rows = await BillJobAccount.filter(bill_job_id=job_id).order_by("account_id")
    assert {r.status for r in rows} == {"DONE"} and len(rows) == 2


async def test_running_the_period_again_updates_the_same_bills_in_place(app):
    world = await new_world()
    await world.configure(bill_prefix="INVOICE-", sequence_start_number=100)
    for code in ("a1", "a2", "a3"):
        await world.account(code)
        await world.measure(code, 700)
    first = await create_and_run(world)
    before = {b.account_code: b for b in await world.bills()}
    before_lines = {code: [(li.line_item_type, li.subtotal) for li in await lines_of(b)] for code, b in before.items()}
    assert sorted(b.sequential_invoice_number for b in before.values()) == ["INVOICE-101", "INVOICE-102", "INVOICE-103"]

    second = await create_and_run(world)
    after = {b.account_code: b for b in await world.bills()}
    assert len(after) == 3
    for code, bill in after.items():
        assert bill.id == before[code].id
        assert bill.sequential_invoice_number == before[code].sequential_invoice_number
        assert bill.version == before[code].version + 1 and bill.bill_job_id == second != first
        assert [(li.line_item_type, li.subtotal) for li in await lines_of(bill)] == before_lines[code]
    assert sorted((await world.job(second)).result_bill_ids) == sorted((await world.job(first)).result_bill_ids)
    # a new account billed later takes the next number
    await world.account("a4")
    await create_and_run(world)
    assert (await world.bill_of("a4")).sequential_invoice_number == "INVOICE-104"


async def test_two_jobs_for_one_period_at_once_make_each_bill_once(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 3)
    world = await new_world()
    await world.configure(bill_prefix="INV", sequence_start_number=0)
    for n in range(10):
        await world.account(f"c{n:02}")
        await world.measure(f"c{n:02}", 100 * n)
    jobs = []
    for _ in range(2):
        job = await billing.create_bill_job(
            world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
        )
        jobs.append(job.id)
    # each job twice (two workers each), all four at once
    await asyncio.gather(*(billing.run_bill_job(world.organization_id, j) for j in jobs + jobs))

    for job_id in jobs:
        job = await world.job(job_id)
        assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 10, 0, 0)
        assert len(job.result_bill_ids) == 10
    bills = await world.bills()
    assert len(bills) == 10
    assert sorted(b.sequential_invoice_number for b in bills) == sorted(f"INV{n}" for n in range(1, 11))
    for bill in bills:
        lines = await lines_of(bill)
        # replaced whole under the bill's row lock: never the lines of two runs side by side
        assert [(li.line_item_type, li.position) for li in lines] == [("USAGE", 0), ("STANDING_CHARGE", 1)]
        assert bill.bill_total == tiered(100 * int(bill.account_code[1:])) + 30


async def test_a_locked_bill_is_never_changed(app):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    await create_and_run(world)
    bill = await world.bill_of("acme")
    await Bill.filter(id=bill.id).update(status="APPROVED", locked=True)
    await world.measure("acme", 1000, at(10))

    job_id = await create_and_run(world)
    after = await world.bill_of("acme")
    assert (after.bill_total, after.version, after.status, after.bill_job_id) == (
        D("125.00"),
        bill.version,
        "APPROVED",
        bill.bill_job_id,
    )
    assert [li.subtotal for li in await lines_of(after)] == [D("95.00"), D("30.00")]
    job = await world.job(job_id)
    assert (job.status, job.failed, job.result_bill_ids) == ("COMPLETE", 0, [])
    row = await BillJobAccount.get(bill_job_id=job_id)
    assert row.status == "DONE" and "locked" in row.reason

    with pytest.raises(InputErrors) as refused:
        await billing.recalculate_bills(world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=None)
    assert [(p.path, p.code.value) for p in refused.value.problems] == [(("input", "billIds", "0"), "INVALID_STATE")]


async def test_recalculating_an_approved_bill_picks_up_late_measurements_and_returns_it_to_pending(app):
    world = await new_world()
    await world.account("acme")
    await world.account("other")
    await world.measure("acme", 700)
    await world.measure("other", 10)
    await create_and_run(world)
    bill, other = await world.bill_of("acme"), await world.bill_of("other")
    await Bill.filter(id=bill.id).update(status="APPROVED")
    await world.measure("acme", 300, at(31, 23))  # late, but inside January
    await world.measure("acme", 5000, at(1, 0).replace(month=2))  # February: another period

    job = await billing.recalculate_bills(world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=None)
    assert (job.type, job.bill_ids, job.status) == ("RECALCULATE", [str(bill.id)], "PENDING")
    await billing.run_bill_job(world.organization_id, job.id)

    job = await world.job(job.id)
    assert (job.status, job.total, job.result_bill_ids) == ("COMPLETE", 1, [str(bill.id)])
    after = await world.bill_of("acme")
    assert (after.id, after.status, after.bill_job_id) == (bill.id, "PENDING", job.id)
    assert after.bill_total == D("155.00")  # 1000 GB: 75 + 50, plus 30
    assert (await world.bill_of("other")).version == other.version  # not asked for


async def test_a_missing_currency_conversion_fails_that_account_only(app):
    world = await new_world()
    await world.currency("EUR")
    await world.account("usd-account")
    await world.account("eur-account", currency="EUR")
    await world.measure("usd-account", 700)
    await world.measure("eur-account", 700)
    job_id = await create_and_run(world)

    job = await world.job(job_id)
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 2, 0, 1)
    failed = await BillJobAccount.get(bill_job_id=job_id, status="FAILED")
    assert failed.account_id == world.accounts["eur-account"].id
    assert "no currency conversion from USD to EUR" in failed.reason
    assert await world.bill_of("eur-account") is None
    assert (await world.bill_of("usd-account")).bill_total == D("125.00")

    # the job's own conversions fill the gap
    job_id = await create_and_run(world, currency_conversions=[CurrencyConversion("USD", "EUR", "0.5")])
    assert (await world.job(job_id)).failed == 0
    bill = await world.bill_of("eur-account")
    assert (bill.currency, bill.bill_total) == ("EUR", D("62.50"))
    usage = (await lines_of(bill))[0]
    assert (usage.currency, usage.subtotal, usage.conversion_rate, usage.converted_subtotal) == (
        "USD",
        D("95.00"),
        D("0.5"),
        D("47.50"),
    )


async def test_pending_ingest_batches_accepted_before_the_job_are_billed(app):
    from app.services.ingest import accept_measurements

    world = await new_world()
    await world.account("acme")
    body = (
        b'{"measurements": [{"meter": "storage", "account": "acme", '
        b'"ts": "2024-01-10T00:00:00Z", "measure": {"gb": 700}}]}'
    )
    batch_id = await accept_measurements(world.organization_id, body, queue=None)  # no worker processes it
    job_id = await create_and_run(world)
    assert (await world.bill_of("acme")).bill_total == D("125.00")
    from app.models.ingest import MeasurementBatch

    assert (await MeasurementBatch.get(id=batch_id)).status == "PROCESSED"
    assert (await world.job(job_id)).status == "COMPLETE"


async def test_suppressed_empty_bills_are_not_stored_and_an_emptied_bill_is_removed(app):
    world = await new_world(standing_charge="0")
    await world.account("quiet")
    await world.account("busy")
    await world.measure("busy", 700)
    await create_and_run(world)
    quiet = await world.bill_of("quiet")
    assert quiet is not None and quiet.bill_total == D("0.00") and await lines_of(quiet) == []

    await world.configure(suppressed_empty_bills=True)
    job_id = await create_and_run(world)
    assert await world.bill_of("quiet") is None
    assert (await world.bill_of("busy")).bill_total == D("95.00")
    job = await world.job(job_id)
    assert (job.status, job.total, job.failed, job.result_bill_ids) == (
        "COMPLETE",
        2,
        0,
        [str((await world.bill_of("busy")).id)],
    )

    await world.account("new-quiet")
    await create_and_run(world)
    assert await world.bill_of("new-quiet") is None


async def run_in_chunks_of_two(monkeypatch, accounts: int, before_each_chunk) -> tuple:
    """A job billing `accounts` new accounts, run in chunks of two, awaiting
    `before_each_chunk(organization_id, job_id, chunk size)` as each chunk starts; (world, job id)."""
    monkeypatch.setattr(claims, "CHUNK_SIZE", 2)
    world = await new_world()
    for n in range(accounts):
        await world.account(f"k{n}")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    real_work_on = work.work_on

    async def work_on(organization_id, bill_job, claim, **options):
        await before_each_chunk(organization_id, bill_job.id, len(claim.rows))
        return await real_work_on(organization_id, bill_job, claim, **options)

    monkeypatch.setattr("app.services.billing.run.work_on", work_on)
    await billing.run_bill_job(world.organization_id, job.id)
    return world, job.id


async def test_cancelling_stops_claiming_and_keeps_what_was_done(app, monkeypatch):
    chunks = []

    async def cancel_during_first_chunk(organization_id, job_id, size):
        chunks.append(size)
        if len(chunks) == 1:
            await billing.cancel_bill_job(organization_id, job_id, actor=ACTOR)

    world, job_id = await run_in_chunks_of_two(monkeypatch, 6, cancel_during_first_chunk)

    job = await world.job(job_id)
    assert chunks == [2]
    assert (job.status, job.total, job.pending, job.failed, len(job.result_bill_ids)) == ("CANCELLED", 6, 4, 0, 2)
    assert len(await world.bills()) == 2
    with pytest.raises(InputErrors) as refused:
        await billing.cancel_bill_job(world.organization_id, job.id, actor=ACTOR)
    assert refused.value.problems[0].code.value == "INVALID_STATE"


async def test_a_running_job_counts_its_bills_and_lists_them_once_when_it_ends(app, monkeypatch):
    """A chunk adds to `bill_count` and leaves its bills on its account rows (where the
    API reads them); the job row's list is written once, at the end, in finishing order."""
    seen = []

    async def look_at_the_job(organization_id, job_id, size):
        row = await BillJob.get(organization_id=organization_id, id=job_id)
        so_far = await claims.bill_ids_by_job(organization_id, [job_id])
        seen.append((row.bill_count, len(so_far.get(job_id, [])), row.result_bill_ids))

    world, job_id = await run_in_chunks_of_two(monkeypatch, 5, look_at_the_job)

    assert seen == [(0, 0, []), (2, 2, []), (4, 4, [])]
    job = await world.job(job_id)
    listed = (await claims.bill_ids_by_job(world.organization_id, [job_id]))[job_id]
    assert (job.status, job.bill_count, len(set(listed))) == ("COMPLETE", 5, 5)
    assert job.result_bill_ids == [str(b) for b in listed]
    assert sorted(listed) == sorted(b.id for b in await world.bills())


async def test_a_cancellation_waiting_for_a_finishing_chunk_lists_that_chunks_bills(app, settings, monkeypatch):
    """Another worker's chunk holds the job row while it finishes (the job still RUNNING, so
    it adds nothing to the job's list); a cancellation that came meanwhile waits for it and
    then lists its bills among the job's."""
    other_chunks_bill, cancelled = uuid.uuid4(), []

    async def cancel_while_another_chunk_finishes(organization_id, job_id, size):
        if cancelled:
            return
        other_worker = await asyncpg.connect(asyncpg_url(settings.database_url))
        try:
            async with other_worker.transaction():
                await other_worker.execute(
                    """UPDATE bill_job_accounts SET status = 'DONE', bill_ids = $3::jsonb
                       WHERE id = (SELECT id FROM bill_job_accounts WHERE organization_id = $1 AND bill_job_id = $2
                                   AND status = 'PENDING' AND claim_token IS NULL LIMIT 1)""",
                    organization_id,
                    job_id,
                    json.dumps([str(other_chunks_bill)]),
                )
                await other_worker.execute(
                    "UPDATE bill_jobs SET pending = pending - 1, bill_count = bill_count + 1 WHERE id = $1", job_id
                )
                cancelling = asyncio.create_task(billing.cancel_bill_job(organization_id, job_id, actor=ACTOR))
                await waiting_for_a_lock(other_worker)
            cancelled.append(await cancelling)
        finally:
            await other_worker.close()

    world, job_id = await run_in_chunks_of_two(monkeypatch, 4, cancel_while_another_chunk_finishes)

    job = await world.job(job_id)
    assert (job.status, job.pending, job.bill_count) == ("CANCELLED", 1, 3)
    assert len(job.result_bill_ids) == 3 and str(other_chunks_bill) in job.result_bill_ids


async def waiting_for_a_lock(conn) -> None:
    """Until another session of this database waits for a lock (at most 10 s)."""
    for _ in range(1000):
        if await conn.fetchval(
            """SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"""
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no session came to wait for a lock")


async def test_invalid_requests_are_refused_with_paths(app):
    world = await new_world()
    with pytest.raises(InputErrors) as refused:
        await billing.create_bill_job(
            world.organization_id,
            CreateBillJob(
                bill_date=BILL_DATE,
                last_date_in_billing_period=LAST_DAY,
                billing_frequency="HOURLY",
                account_ids=[str(uuid.uuid4()), "nope"],
                currency_conversions=[CurrencyConversion("USD", "XXX", "0")],
            ),
            actor=ACTOR,
            enqueue=None,
        )
    assert sorted((".".join(p.path), p.code.value) for p in refused.value.problems) == sorted(
        [
            ("input.billDate", "INVALID"),
            ("input.billingFrequency", "INVALID"),
            ("input.accountIds.0", "NOT_FOUND"),
            ("input.accountIds.1", "INVALID"),
            ("input.currencyConversions.0.to", "NOT_FOUND"),
            ("input.currencyConversions.0.multiplier", "INVALID"),
        ]
    )
    with pytest.raises(InputErrors) as refused:
        await billing.create_bill_job(world.organization_id, CreateBillJob(), actor=ACTOR, enqueue=None)
    assert [(p.path, p.code.value) for p in refused.value.problems] == [
        (("input", "lastDateInBillingPeriod"), "REQUIRED")
    ]
    with pytest.raises(InputErrors) as refused:
        await billing.recalculate_bills(
            world.organization_id, RecalculateBills([uuid.uuid4()]), actor=ACTOR, enqueue=None
        )
    assert refused.value.problems[0].code.value == "NOT_FOUND"


async def test_only_the_named_accounts_and_frequency_are_billed(app):
    world = await new_world()
    await world.account("in")
    await world.account("out")
    job_id = await create_and_run(world, account_ids=[str(world.accounts["in"].id)], billing_frequency="MONTHLY")
    assert [b.account_code for b in await world.bills()] == ["in"]
    assert (await world.job(job_id)).total == 1
    job_id = await create_and_run(world, billing_frequency="WEEKLY")
    job = await world.job(job_id)
    assert (job.status, job.total) == ("COMPLETE", 0)


async def test_preview_is_the_same_computation_and_stores_nothing(app):
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    bills = await billing.preview_bill(
        world.organization_id, world.accounts["acme"].id, last_date_in_billing_period=LAST_DAY
    )
    assert [(b.bill_date, b.total, [line.subtotal for line in b.lines]) for b in bills] == [
        (BILL_DATE, D("125.00"), [D("95.00"), D("30.00")])
    ]
    assert await world.bills() == []
    assert (
        await billing.preview_bill(
            world.organization_id, world.accounts["acme"].id, bill_date=BILL_DATE, frequency="WEEKLY"
        )
        == []
    )
    with pytest.raises(InputErrors):
        await billing.preview_bill(world.organization_id, uuid.uuid4(), bill_date=BILL_DATE)


async def test_a_job_that_cannot_find_its_accounts_fails_with_a_reason(app, monkeypatch):
    world = await new_world()
    await world.account("acme")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )

    async def broken(organization_id, bill_job):
        raise RuntimeError("catalog unreadable")

    monkeypatch.setattr("app.services.billing.run.job_accounts", broken)
    await billing.run_bill_job(world.organization_id, job.id)
    failed = await world.job(job.id)
    assert failed.status == "FAILED"  # the reason is safe to show: the error text stays in the log
    assert failed.failure_reason.startswith("could not initialize: internal error (reference ")
    monkeypatch.undo()
    await billing.run_bill_job(world.organization_id, job.id)  # terminal: nothing happens
    assert (await world.job(job.id)).status == "FAILED" and await world.bills() == []
