"""Balances on stored bills (SEMANTICS §11.2 rule 4): each bill draws what the bills before
it left, the draws are decided again where bills are stored, a changed draw queues the
later bills, and the balance amount is derived from the stored lines and credits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.domain.billing.balances_input import BalanceDraft
from app.models.balances import Balance, BalanceTransaction
from app.models.billing import Bill, BillJob
from app.services.balances import delete_balance, update_balance
from app.services.balances.amounts import balance_summaries
from app.services.balances.commands import UpdateBalance
from app.services.balances.requeue import QUEUED_BY
from app.services.billing.compute import BillRequest, compose_for_accounts
from app.services.billing.persist import StoreOptions, store_bill
from app.services.billing.persist_many import store_bills
from app.services.errors import ErrorCode, InputErrors
from tests.services import ACTOR, lines_of, new_world

D = Decimal
FLAT = [{"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}]
FEB, MAR, APR = date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def composed(world, account, bill_date):
    computed = await compose_for_accounts(world.organization_id, {account.id: [BillRequest(bill_date)]})
    (bill,) = computed.accounts[account.id].bills
    options = StoreOptions(
        job_id=None,
        actor=ACTOR,
        suppress_empty=False,
        purchase_order_number=None,
        meter_of=computed.catalog.meter_of,
        redraw=computed.redraws.get((account.id, bill_date, "MONTHLY")),
    )
    return bill, options


async def drawn(world, bill_date) -> list[Decimal]:
    bill = await Bill.get(organization_id=world.organization_id, bill_date=bill_date)
    return [li.subtotal for li in await lines_of(bill) if li.line_item_type == "BALANCE_CONSUMED"]


async def balance_world(credit="100"):
    world = await new_world(standing_charge="0", bands=FLAT)
    account = await world.account("acme")
    balance = await Balance.create(
        organization_id=world.organization_id,
        account_id=account.id,
        code="wallet",
        name="Wallet",
        currency="USD",
        start_date=utc(2024, 1, 1),
        end_date=utc(2024, 12, 1),
    )
    await BalanceTransaction.create(
        organization_id=world.organization_id, balance_id=balance.id, amount=D(credit), applied_date=utc(2024, 1, 1)
    )
    return world, account, balance


@pytest.mark.parametrize("path", ["one by one", "in chunks"])
async def test_bills_composed_from_the_same_draws_draw_the_balance_once(app, path):
    """January 60 and February 60 against 100, composed before either was stored: January
    draws 60, February is recomposed under the lock and draws the 40 left."""
    world, account, balance = await balance_world()
    for month in (1, 2):
        await world.measure("acme", 60, utc(2024, month, 10))
    january, february = await composed(world, account, FEB), await composed(world, account, MAR)
    assert [li.subtotal for li in february[0].lines if li.line_type.value == "BALANCE_CONSUMED"] == [D("-60.00")]
    if path == "one by one":
        await store_bill(world.organization_id, *january)
        await store_bill(world.organization_id, *february)
    else:
        await store_bills(world.organization_id, [january, february])
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-60.00")], [D("-40.00")])
    [summary] = (await balance_summaries(world.organization_id, [balance], now=utc(2024, 3, 2))).values()
    assert (summary.amount, summary.total_debit_amount) == (D("0.00"), D("100.00"))


async def test_a_recalculated_earlier_bill_never_overdraws_and_queues_itself_with_the_later_bills(app):
    """January 30, February 50 are billed (30 + 50 of 100). Late January usage (+40 = 70)
    is recalculated alone: rule 4 would give January all 100, but February holds 50, so
    January draws 50 (the balance is never drawn twice) and a RECALCULATE job for January
    and February is queued in the same transaction. Run together, as the job runs them,
    January draws 70 first and February the 30 left."""
    world, account, balance = await balance_world()
    await world.measure("acme", 30, utc(2024, 1, 10))
    await world.measure("acme", 50, utc(2024, 2, 10))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    await store_bill(world.organization_id, *await composed(world, account, MAR))
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-30.00")], [D("-50.00")])
    assert not await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY).exists()

    await world.measure("acme", 40, utc(2024, 1, 20))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    assert await drawn(world, FEB) == [D("-50.00")]
    [job] = await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY)
    bills = await Bill.filter(organization_id=world.organization_id).order_by("bill_date")
    assert (job.type, job.status, sorted(job.bill_ids)) == ("RECALCULATE", "PENDING", sorted(str(b.id) for b in bills))

    # What the job does: both bills of the account composed and stored together, in order.
    computed = await compose_for_accounts(world.organization_id, {account.id: [BillRequest(FEB), BillRequest(MAR)]})
    stored = [
        (bill, StoreOptions(job_id=job.id, actor=ACTOR, suppress_empty=False, purchase_order_number=None,
                            meter_of=computed.catalog.meter_of,
                            redraw=computed.redraws.get((account.id, bill.bill_date, "MONTHLY"))))
        for bill in computed.accounts[account.id].bills
    ]  # fmt: skip
    await store_bills(world.organization_id, stored)
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-70.00")], [D("-30.00")])
    [summary] = (await balance_summaries(world.organization_id, [balance], now=utc(2024, 3, 2))).values()
    assert summary.amount == D("0.00")
    assert await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY).count() == 1
    # January was recalculated by hand above (stored without a job): never auto-approved again.
    # February was only recalculated by the system's requeue, an automatic recalculation.
    bills = await Bill.filter(organization_id=world.organization_id).order_by("bill_date")
    assert [b.auto_approve_blocked for b in bills] == [True, False]


async def test_a_credit_counts_from_its_applied_date_and_a_locked_later_bill_keeps_its_draw(app):
    """A top-up applied 02-15 is not available to the bill of 02-01, only from 03-01 on. A
    locked later bill's draw counts against an earlier bill's available amount (rule 4)."""
    world, account, balance = await balance_world(credit="10")
    await BalanceTransaction.create(
        organization_id=world.organization_id, balance_id=balance.id, amount=D(50), applied_date=utc(2024, 2, 15)
    )
    await world.measure("acme", 40, utc(2024, 1, 10))
    await world.measure("acme", 40, utc(2024, 2, 10))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    assert await drawn(world, FEB) == [D("-10.00")]
    await store_bill(world.organization_id, *await composed(world, account, MAR))
    assert await drawn(world, MAR) == [D("-40.00")]  # 10 + 50 − 10 drawn in January = 50 ≥ 40
    await Bill.filter(organization_id=world.organization_id, bill_date=MAR).update(status="APPROVED", locked=True)
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    # Rule 4: 10 credited by 02-01, less the locked later bill's 40: nothing for January now.
    assert await drawn(world, FEB) == []


async def test_a_balance_bills_drew_on_keeps_its_currency_and_cannot_be_deleted(app):
    world, account, balance = await balance_world()
    await world.measure("acme", 30, utc(2024, 1, 10))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    await world.currency("EUR")
    with pytest.raises(InputErrors) as refused:
        await update_balance(
            world.organization_id, UpdateBalance(balance.id, 1, BalanceDraft(currency="EUR")), actor=ACTOR
        )
    assert ("input", "currency") in {p.path for p in refused.value.problems if p.code is ErrorCode.INVALID_STATE}
    with pytest.raises(InputErrors) as in_use:
        await delete_balance(world.organization_id, balance.id, version=1)
    assert [p.code for p in in_use.value.problems] == [ErrorCode.IN_USE]
    assert (await Balance.get(id=balance.id)).currency == "USD"


async def test_an_earlier_draw_that_shrinks_queues_a_later_bill_that_drew_nothing(app):
    """January 100 spends all of 100; February 50 draws nothing. A correction of January
    (-60) makes it draw 40: 60 is free again, so February is queued although it drew
    nothing, and recalculated it draws 50."""
    world, account, balance = await balance_world()
    await world.measure("acme", 100, utc(2024, 1, 10))
    await world.measure("acme", 50, utc(2024, 2, 10))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    await store_bill(world.organization_id, *await composed(world, account, MAR))
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-100.00")], [])
    assert not await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY).exists()

    await world.measure("acme", -60, utc(2024, 1, 20))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    assert await drawn(world, FEB) == [D("-40.00")]
    [job] = await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY)
    february = await Bill.get(organization_id=world.organization_id, bill_date=MAR)
    assert (job.type, job.status, job.bill_ids) == ("RECALCULATE", "PENDING", [str(february.id)])

    await store_bill(world.organization_id, *await composed(world, account, MAR))
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-40.00")], [D("-50.00")])
    [summary] = (await balance_summaries(world.organization_id, [balance], now=utc(2024, 3, 2))).values()
    assert summary.amount == D("10.00")


async def test_an_earlier_draw_that_grows_leaves_a_later_bill_that_drew_nothing_alone(app):
    """January draws 60 of 100; February has no usage and draws nothing. January grows to
    80: its draw changes, but less is left, so February (which drew nothing) is not queued."""
    world, account, _ = await balance_world()
    await world.measure("acme", 60, utc(2024, 1, 10))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    await store_bill(world.organization_id, *await composed(world, account, MAR))
    await world.measure("acme", 20, utc(2024, 1, 20))
    await store_bill(world.organization_id, *await composed(world, account, FEB))
    assert (await drawn(world, FEB), await drawn(world, MAR)) == ([D("-80.00")], [])
    assert not await BillJob.filter(organization_id=world.organization_id, created_by=QUEUED_BY).exists()
