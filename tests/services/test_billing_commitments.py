"""Commitments on bills made by bill jobs (SEMANTICS §5.3, §7.2 items 4–5), real PostgreSQL.

A commitment of 100.00 USD over January–March 2024, usage at 1.00 a GB, no standing
charge: 30, 50 then 40 GB draw 30, 50 then 20; the third bill is 20 beyond the commitment
and carries a 10 % surcharge of 2.00. amountSpent follows the stored draws; recalculating
a bill replaces its draw, it never adds to it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.db import connection
from app.models.accounts import Commitment
from app.models.billing import Bill
from app.services import billing
from app.services.billing import work
from app.services.billing.commands import RecalculateBills
from app.services.billing.preview import preview_bill
from tests.services import ACTOR, UTC, lines_of, new_world
from tests.services.test_billing_jobs import create_and_run

D = Decimal
FLAT = [{"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}]


async def world_with_commitment(**fields):
    world = await new_world(standing_charge="0", bands=FLAT)
    account = await world.account("acme")
    commitment = await Commitment.create(
        organization_id=world.organization_id,
        account_id=account.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 4, 1),
        overage_surcharge_percent=D(10),
        commitment_usage_description="Drawn",
        **fields,
    )
    for month, gb in ((1, 30), (2, 50), (3, 40)):
        await world.measure("acme", gb, datetime(2024, month, 10, tzinfo=UTC))
    return world, commitment


async def run_months(world) -> None:
    for last in (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)):
        await create_and_run(world, last_date_in_billing_period=last)


async def kinds(bill: Bill) -> list[tuple[str, Decimal]]:
    return [(line.line_item_type, line.subtotal) for line in await lines_of(bill)]


async def spent(commitment) -> Decimal:
    return (await Commitment.get(id=commitment.id)).amount_spent


async def test_bills_draw_down_the_commitment_then_surcharge_the_overage(app):
    world, commitment = await world_with_commitment()
    await run_months(world)

    feb, mar, apr = await world.bills()
    assert await kinds(feb) == [("USAGE", D("30.00")), ("COMMITMENT_CONSUMED", D("-30.00"))]
    assert await kinds(mar) == [("USAGE", D("50.00")), ("COMMITMENT_CONSUMED", D("-50.00"))]
    assert await kinds(apr) == [
        ("USAGE", D("40.00")),
        ("COMMITMENT_CONSUMED", D("-20.00")),
        ("OVERAGE_SURCHARGE", D("2.00")),
    ]
    assert (feb.bill_total, mar.bill_total, apr.bill_total) == (D("0.00"), D("0.00"), D("22.00"))
    consumed = (await lines_of(feb))[1]
    assert (consumed.commitment_id, consumed.currency, consumed.description) == (commitment.id, "USD", "Drawn")
    assert await spent(commitment) == D(100)


async def test_recalculating_a_bill_replaces_its_draw_and_never_draws_twice(app):
    world, commitment = await world_with_commitment()
    await run_months(world)
    _, mar, apr = await world.bills()

    job = await billing.recalculate_bills(world.organization_id, RecalculateBills([mar.id]), actor=ACTOR, enqueue=None)
    await billing.run_bill_job(world.organization_id, job.id)
    assert await spent(commitment) == D(100)
    assert await kinds(await Bill.get(id=mar.id)) == [("USAGE", D("50.00")), ("COMMITMENT_CONSUMED", D("-50.00"))]

    # A re-run of the same month (a retried job) does not draw again either.
    await create_and_run(world, last_date_in_billing_period=date(2024, 3, 31))
    assert await spent(commitment) == D(100)
    assert await kinds(await Bill.get(id=apr.id)) == [
        ("USAGE", D("40.00")),
        ("COMMITMENT_CONSUMED", D("-20.00")),
        ("OVERAGE_SURCHARGE", D("2.00")),
    ]

    # Late usage in February: recalculating March may draw only what the OTHER bills left
    # (30 by February, 20 by April): draws are first come, first served.
    await world.measure("acme", 10, datetime(2024, 2, 20, tzinfo=UTC))
    job = await billing.recalculate_bills(world.organization_id, RecalculateBills([mar.id]), actor=ACTOR, enqueue=None)
    await billing.run_bill_job(world.organization_id, job.id)
    assert await kinds(await Bill.get(id=mar.id)) == [
        ("USAGE", D("60.00")),
        ("COMMITMENT_CONSUMED", D("-50.00")),
        ("OVERAGE_SURCHARGE", D("1.00")),
    ]
    assert await spent(commitment) == D(100)


async def test_fee_dates_put_commitment_fees_on_their_bills(app):
    fees = [
        {
            "date": "2024-02-01",
            "amount": "60",
            "servicePeriodStartDate": "2024-01-01T00:00:00+00:00",
            "servicePeriodEndDate": "2024-02-01T00:00:00+00:00",
        },
        {
            "date": "2024-03-01",
            "amount": "40",
            "servicePeriodStartDate": "2024-02-01T00:00:00+00:00",
            "servicePeriodEndDate": "2024-03-01T00:00:00+00:00",
        },
    ]
    world, commitment = await world_with_commitment(fee_dates=fees, commitment_fee_description="Prepayment")
    await run_months(world)

    feb, mar, apr = await world.bills()
    assert await kinds(feb) == [
        ("USAGE", D("30.00")),
        ("COMMITMENT_FEE", D("60.00")),
        ("COMMITMENT_CONSUMED", D("-30.00")),
    ]
    assert await kinds(mar) == [
        ("USAGE", D("50.00")),
        ("COMMITMENT_FEE", D("40.00")),
        ("COMMITMENT_CONSUMED", D("-50.00")),
    ]
    assert [k for k, _ in await kinds(apr)] == ["USAGE", "COMMITMENT_CONSUMED", "OVERAGE_SURCHARGE"]
    fee = (await lines_of(feb))[1]
    assert (fee.commitment_id, fee.description, fee.service_period_start) == (
        commitment.id,
        "Prepayment",
        datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert (feb.bill_total, mar.bill_total) == (D("60.00"), D("40.00"))
    assert await spent(commitment) == D(100)


async def test_a_preview_sees_what_other_bills_drew_and_stores_nothing(app):
    world, commitment = await world_with_commitment()
    await create_and_run(world, last_date_in_billing_period=date(2024, 1, 31))
    await create_and_run(world, last_date_in_billing_period=date(2024, 2, 29))
    (bill,) = await preview_bill(world.organization_id, world.accounts["acme"].id, bill_date=date(2024, 4, 1))
    assert [(line.line_type.value, line.subtotal) for line in bill.lines] == [
        ("USAGE", D("40.00")),
        ("COMMITMENT_CONSUMED", D("-20.00")),
        ("OVERAGE_SURCHARGE", D("2.00")),
    ]
    assert await spent(commitment) == D(80)


async def test_bills_stored_one_by_one_update_amount_spent_too(app, monkeypatch):
    async def cannot_store_together(*args, **kwargs):
        raise RuntimeError("chunk refused")

    monkeypatch.setattr(work, "store_bills", cannot_store_together)
    world, commitment = await world_with_commitment()
    await run_months(world)
    assert [b.bill_total for b in await world.bills()] == [D("0.00"), D("0.00"), D("22.00")]
    assert await spent(commitment) == D(100)
    await create_and_run(world, last_date_in_billing_period=date(2024, 2, 29))
    assert await spent(commitment) == D(100)


async def test_a_suppressed_empty_bill_gives_its_draw_back(app):
    world, commitment = await world_with_commitment()
    await world.configure(suppressed_empty_bills=True)
    await run_months(world)
    assert await spent(commitment) == D(100)
    async with connection() as conn:
        await conn.execute(
            "DELETE FROM measurements WHERE organization_id = $1 AND ts < '2024-02-01'", world.organization_id
        )
    await create_and_run(world, last_date_in_billing_period=date(2024, 1, 31))
    assert len(await world.bills()) == 2
    assert await spent(commitment) == D(70)
