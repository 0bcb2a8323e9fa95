"""Memo lines and statements inside the bill writers and the scheduler (SEMANTICS §12.1 rule 2,
§12.2 rule 2, §13.2 rules 3–4): a scheduled run that changes nothing leaves a bill with
memos alone, auto-approval asks for statements, and line ids are stable by key.

The world (tests.services): acme, a monthly plan from 2024-01-01 (UTC), 700 GB in January:
500 × 0.15 + 200 × 0.10 + 30 = 125.00, an hourly-6 schedule.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from app.db import connection
from app.models.billing import Bill, BillLineItem
from app.models.organization import OrganizationConfig
from app.models.statements import BillStatement
from app.services import billing, memos
from app.services.billing.bill_rows import line_id, line_key
from app.services.billing.lifecycle import approve_bills
from app.services.scheduling import run_scheduled_billing, start_due_run
from app.services.statements import GENERATE_JOB
from tests.services import new_world
from workers import jobs

FEB1 = date(2024, 2, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def world_with_bill(**config):
    world = await new_world()
    await world.account("acme")
    await world.configure(scheduled_bill_interval="6", **config)
    await world.measure("acme", 700)
    await tick(world, utc(2024, 2, 1, 0, 30))
    return world


async def tick(world, now: datetime) -> None:
    run = await start_due_run(await OrganizationConfig.get(organization_id=world.organization_id), now, enqueue=None)
    assert run is not None
    for job_id in run.bill_job_ids:
        await billing.run_bill_job(world.organization_id, uuid.UUID(job_id))
    # Bills are made at the run's instant, not at the wall clock (auto-approval counts from it).
    async with connection() as conn:
        await conn.execute(
            "UPDATE bills SET dt_created = $2 WHERE organization_id = $1 AND dt_created > $2",
            world.organization_id,
            run.run_at,
        )


async def january(world) -> Bill:
    return await Bill.get(organization_id=world.organization_id, account_id=world.accounts["acme"].id, bill_date=FEB1)


async def debit(world, bill: Bill, amount: str) -> BillLineItem:
    reason = await memos.create_reason(
        world.organization_id,
        memos.ReasonKind.DEBIT,
        memos.ReasonFields(name="Setup", code=f"setup-{amount}"),
        actor="t",
    )
    fields = memos.MemoFields(
        amount=Decimal(amount),
        reason_id=reason.id,
        description="Setup",
        service_period_start_date=utc(2024, 1, 1),
        service_period_end_date=utc(2024, 2, 1),
    )
    command = memos.CreateMemo(bill.id, memos.MemoType.DEBIT_MEMO, fields)
    return await memos.create_memo(world.organization_id, command, actor="t")


async def test_a_scheduled_run_that_changes_nothing_leaves_a_bill_with_memos_alone(app):
    """125.00 + a 10.00 debit memo = 135.00, approved. The 06:00 run recomposes 125.00 of
    calculated lines: the same lines, and the stored total less the memo is 125.00, so the
    bill keeps its version and stays APPROVED with its memo. 100 GB late: 125.00 + 100 ×
    0.10 = 135.00 calculated, + 10.00 memo = 145.00, PENDING again, the memo kept last."""
    world = await world_with_bill()
    made = await january(world)
    memo = await debit(world, made, "10")
    await approve_bills(world.organization_id, [made.id], actor="t")
    approved = await january(world)
    assert (approved.bill_total, approved.status) == (Decimal("135.00"), "APPROVED")
    await tick(world, utc(2024, 2, 1, 6))
    untouched = await january(world)
    assert (untouched.version, untouched.status, untouched.bill_total) == (
        approved.version,
        "APPROVED",
        Decimal("135.00"),
    )
    await world.measure("acme", 100, ts=utc(2024, 1, 20))
    await tick(world, utc(2024, 2, 1, 12))
    changed = await january(world)
    assert (changed.bill_total, changed.status, changed.version) == (Decimal("145.00"), "PENDING", approved.version + 1)
    lines = await BillLineItem.filter(organization_id=world.organization_id, bill_id=made.id).order_by("position")
    assert [(line.line_item_type, line.position) for line in lines][-1] == ("DEBIT_MEMO", len(lines) - 1)
    assert lines[-1].id == memo.id and lines[-1].version == 1


async def test_auto_approval_asks_for_the_configured_statements(app):
    """Grace 2 HOURS: January's bill is approved at 02-01 02:00 by the tick, which enqueues
    one statement job for it; the job (run here as the worker would) stores the JSON."""
    world = await world_with_bill(
        auto_approve_bills_grace_period=2,
        auto_approve_bills_grace_period_unit="HOURS",
        auto_generate_statement_mode="JSON",
    )
    enqueued: list[tuple] = []

    async def enqueue(name: str, *args: object) -> None:
        enqueued.append((name, *args))

    await run_scheduled_billing(utc(2024, 2, 1, 2, 1), enqueue=enqueue)
    bill = await january(world)
    assert bill.status == "APPROVED"
    asked = [e for e in enqueued if e[0] == GENERATE_JOB]
    assert asked == [(GENERATE_JOB, str(world.organization_id), [str(bill.id)])]
    assert await jobs.generate_due_statements({}, *asked[0][1:]) == 1
    stored = await BillStatement.filter(organization_id=world.organization_id, bill_id=bill.id).values_list(
        "format", "bill_version"
    )
    assert stored == [("JSON", bill.version)]
    assert await jobs.generate_due_statements({}, *asked[0][1:]) == 0  # a current one exists


def test_line_ids_are_derived_from_the_bill_and_the_key_with_an_occurrence():
    bill = uuid.uuid4()
    assert line_id(bill, "k", 0) == line_id(bill, "k", 0)
    assert (
        len({line_id(bill, "k", 0), line_id(bill, "k", 1), line_id(uuid.uuid4(), "k", 0), line_id(bill, "j", 0)}) == 4
    )
    assert callable(line_key)


def test_a_line_key_is_its_own_text_even_when_kept():
    """Keys are kept per run; equal instants in two timezones (equal datetimes) keep their
    own texts, and so their own line ids."""
    from types import SimpleNamespace

    pricing = uuid.uuid4()

    def line(start, segment=None):
        return SimpleNamespace(
            line_type="USAGE", pricing_id=pricing, segment=segment, child_account_id=None, service_period_start=start
        )

    utc = datetime(2024, 1, 1, tzinfo=UTC)
    berlin = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert utc == berlin and line_key(line(utc)) != line_key(line(berlin))
    assert '"2024-01-01T01:00:00+01:00"' in line_key(line(berlin))
    assert line_key(line(utc, {"b": "2", "a": "1"})) == line_key(line(utc, {"a": "1", "b": "2"}))
    assert json.loads(line_key(line(utc, {"b": "2", "a": "1"})))[7] == '{"a": "1", "b": "2"}'


async def test_concurrent_credits_on_one_line_stay_within_its_cap(app):
    """Two credits of 60% of one line, at once: the first locks the bill and the line, so the
    second sees its credit and is over the cap (100% − 60% = 40% left): exactly one is stored."""
    world = await world_with_bill()
    bill = await january(world)
    line = (
        await BillLineItem.filter(organization_id=world.organization_id, bill_id=bill.id, line_item_type="USAGE")
        .order_by("position")
        .first()
    )
    assert line is not None and line.converted_subtotal > 0
    reason = await memos.create_reason(
        world.organization_id, memos.ReasonKind.CREDIT, memos.ReasonFields(name="Outage", code="outage"), actor="t"
    )
    fields = memos.MemoFields(
        amount=(line.converted_subtotal * Decimal("0.6")).quantize(Decimal("0.01")),
        reason_id=reason.id,
        description="Outage",
        referenced_bill_id=bill.id,
        referenced_line_item_id=line.id,
        service_period_start_date=utc(2024, 1, 1),
        service_period_end_date=utc(2024, 2, 1),
    )
    command = memos.CreateMemo(bill.id, memos.MemoType.CREDIT_MEMO, fields)
    outcomes = await asyncio.gather(
        *(memos.create_memo(world.organization_id, command, actor="t") for _ in range(2)), return_exceptions=True
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["BillLineItem", "InputErrors"]
    stored = await BillLineItem.filter(organization_id=world.organization_id, referenced_line_item_id=line.id).count()
    assert stored == 1
    assert (await january(world)).bill_total == bill.bill_total - fields.amount


async def test_memo_lines_keep_a_bill_that_calculation_leaves_empty(app):
    """quiet has no usage and no standing charge: its bill has no lines (0.00). A 10.00 debit
    memo makes it 10.00, and its statement is generated. With suppressedEmptyBills the next
    run would delete an empty bill; this one keeps it (a person's line): 0 + 10 = 10.00, the
    memo kept, the statement stale."""
    from app.services.statements import generate_statement
    from tests.services.test_billing_jobs import create_and_run

    world = await new_world(standing_charge="0")
    await world.account("quiet")
    await create_and_run(world)
    quiet = await world.bill_of("quiet")
    assert quiet is not None and quiet.bill_total == Decimal("0.00")
    memo = await debit(world, quiet, "10")
    await generate_statement(world.organization_id, quiet.id, ("JSON",), actor="t")
    await world.configure(suppressed_empty_bills=True)
    await create_and_run(world)
    kept = await world.bill_of("quiet")
    assert kept is not None and (kept.id, kept.bill_total, kept.statement_stale) == (quiet.id, Decimal("10.00"), True)
    lines = await BillLineItem.filter(organization_id=world.organization_id, bill_id=kept.id)
    assert [(line.id, line.position, line.converted_subtotal) for line in lines] == [(memo.id, 0, Decimal("10.00"))]
