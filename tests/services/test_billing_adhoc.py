"""AD_HOC commitment fee bills (SEMANTICS §7.2 item 4), real PostgreSQL.

A monthly plan bills on the 1st; a commitment fee dated 2024-02-15 has no other bill that
day, so a job for that day stores an AD_HOC bill of the fee alone; a fee dated 2024-02-01
goes on the monthly bill of that day and no AD_HOC bill is made.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.models.accounts import Account, Commitment
from app.models.billing import Bill, BillJobAccount
from app.services import billing
from app.services.billing.commands import RecalculateBills
from tests.services import ACTOR, UTC, lines_of, new_world
from tests.services.test_billing_jobs import create_and_run

D = Decimal
FLAT = [{"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}]


def fee(day: str, amount: str) -> dict:
    return {
        "date": day,
        "amount": amount,
        "servicePeriodStartDate": "2024-02-01T00:00:00+00:00",
        "servicePeriodEndDate": "2024-03-01T00:00:00+00:00",
    }


async def world_with_fees(*fees, account_has_plan: bool = True):
    world = await new_world(standing_charge="0", bands=FLAT)
    if account_has_plan:
        account = await world.account("acme", days_before_bill_due=10)
    else:
        account = await Account.create(
            organization_id=world.organization_id, code="acme", name="Acme", days_before_bill_due=10
        )
        world.accounts["acme"] = account
    commitment = await Commitment.create(
        organization_id=world.organization_id,
        account_id=account.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 4, 1),
        fee_dates=list(fees),
        commitment_fee_description="Prepayment",
    )
    return world, commitment


async def kinds(bill: Bill) -> list[tuple[str, Decimal]]:
    return [(line.line_item_type, line.subtotal) for line in await lines_of(bill)]


async def test_a_fee_on_a_day_without_other_bill_gets_an_ad_hoc_bill(app):
    world, commitment = await world_with_fees(fee("2024-02-15", "60"))
    job_id = await create_and_run(world, last_date_in_billing_period=date(2024, 2, 14))
    job = await world.job(job_id)
    assert (job.status, job.total, job.failed) == ("COMPLETE", 1, 0)
    (bill,) = await world.bills()
    assert (bill.billing_frequency, bill.bill_date, bill.due_date, bill.start_date, bill.end_date) == (
        "AD_HOC",
        date(2024, 2, 15),
        date(2024, 2, 25),
        date(2024, 2, 14),  # the AD_HOC bill's period is [bill date − 1 day, bill date) (SEMANTICS §9.2 rule 4)
        date(2024, 2, 15),
    )
    assert (bill.bill_total, bill.currency, bill.account_id) == (D("60.00"), "USD", world.accounts["acme"].id)
    (line,) = await lines_of(bill)
    assert (line.line_item_type, line.subtotal, line.converted_subtotal, line.commitment_id, line.description) == (
        "COMMITMENT_FEE",
        D("60.00"),
        D("60.00"),
        commitment.id,
        "Prepayment",
    )
    assert line.service_period_start == datetime(2024, 2, 1, tzinfo=UTC)
    assert [str(bill.id)] == [str(b) for b in job.result_bill_ids]

    # A re-run recalculates it in place; a job of one frequency makes it too.
    await create_and_run(world, last_date_in_billing_period=date(2024, 2, 14), billing_frequency="MONTHLY")
    (again,) = await world.bills()
    assert again.id == bill.id and await kinds(again) == [("COMMITMENT_FEE", D("60.00"))]

    # Recalculating the AD_HOC bill recomputes the fee bill alone.
    await Commitment.filter(id=commitment.id).update(fee_dates=[fee("2024-02-15", "70")])
    job = await billing.recalculate_bills(world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=None)
    await billing.run_bill_job(world.organization_id, job.id)
    job = await world.job(job.id)
    assert (job.status, job.failed) == ("COMPLETE", 0)
    (again,) = await world.bills()
    assert again.id == bill.id and again.bill_total == D("70.00")


async def test_an_account_without_plans_gets_its_fee_bill(app):
    world, _ = await world_with_fees(fee("2024-02-15", "60"), account_has_plan=False)
    await create_and_run(world, last_date_in_billing_period=date(2024, 2, 14))
    (bill,) = await world.bills()
    assert bill.billing_frequency == "AD_HOC" and await kinds(bill) == [("COMMITMENT_FEE", D("60.00"))]


async def test_a_fee_on_a_day_with_a_plan_bill_goes_on_that_bill(app):
    world, _ = await world_with_fees(fee("2024-02-01", "60"))
    await world.measure("acme", 30, datetime(2024, 1, 10, tzinfo=UTC))
    await create_and_run(world)
    await create_and_run(world)
    (bill,) = await world.bills()
    assert bill.billing_frequency == "MONTHLY"
    assert await kinds(bill) == [
        ("USAGE", D("30.00")),
        ("COMMITMENT_FEE", D("60.00")),
        ("COMMITMENT_CONSUMED", D("-30.00")),
    ]


async def test_no_fee_that_day_no_ad_hoc_bill(app):
    world, _ = await world_with_fees(fee("2024-02-15", "60"))
    job_id = await create_and_run(world, last_date_in_billing_period=date(2024, 2, 15))
    assert (await world.job(job_id)).total == 0
    assert await world.bills() == []


async def test_an_account_whose_commitment_cannot_be_assessed_fails_alone(app):
    """Found by probing: a commitment ending 9999-12-31 (refused as input since, but it may
    be stored) made assessing its account's fees step into year 10000, and the whole job
    failed at initialization. Now that account fails with a reason; the others are billed."""
    world = await new_world(standing_charge="0", bands=FLAT)
    await world.account("good")
    broken = await world.account("broken")
    await Commitment.create(
        organization_id=world.organization_id,
        account_id=broken.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(9999, 12, 31),
        billing_plan_id=world.plan.id,
    )
    for code in ("good", "broken"):
        await world.measure(code, 5, datetime(2024, 1, 10, tzinfo=UTC))
    job_id = await create_and_run(world)
    job = await world.job(job_id)
    assert (job.status, job.total, job.failed) == ("COMPLETE", 2, 1)
    failed = await BillJobAccount.get(bill_job_id=job_id, status="FAILED")
    assert failed.account_id == broken.id and failed.reason
    assert (await world.bill_of("good")).bill_total == D("5.00")
    assert await world.bill_of("broken") is None
