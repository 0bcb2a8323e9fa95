"""Draws on a commitment are decided where bills are stored (finding 3), deterministically:
two bills of one account composed from the same stored draws (as two jobs at once would)
are stored one after the other, through each storing path; the second is recomposed with
what the first drew, so the commitment is drawn once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.models.accounts import Commitment
from app.models.billing import Bill
from app.services.billing.compute import BillRequest, compose_for_accounts
from app.services.billing.persist import StoreOptions, store_bill
from app.services.billing.persist_many import store_bills
from tests.services import ACTOR, UTC, lines_of, new_world

D = Decimal
FLAT = [{"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}]
FEB, MAR = date(2024, 2, 1), date(2024, 3, 1)


async def composed(world, account, bill_date):
    computed = await compose_for_accounts(world.organization_id, {account.id: [BillRequest(bill_date)]})
    (bill,) = computed.accounts[account.id].bills
    redraw = computed.redraws[(account.id, bill_date, "MONTHLY")]
    return bill, StoreOptions(
        job_id=None,
        actor=ACTOR,
        suppress_empty=False,
        purchase_order_number=None,
        meter_of=computed.catalog.meter_of,
        redraw=redraw,
    )


async def consumed(world, bill_date) -> list[Decimal]:
    bill = await Bill.get(organization_id=world.organization_id, bill_date=bill_date)
    return [li.subtotal for li in await lines_of(bill) if li.line_item_type == "COMMITMENT_CONSUMED"]


@pytest.mark.parametrize("path", ["one by one", "in chunks"])
async def test_a_bill_composed_before_another_was_stored_draws_only_what_is_left(app, path):
    world = await new_world(standing_charge="0", bands=FLAT)
    account = await world.account("acme")
    commitment = await Commitment.create(
        organization_id=world.organization_id,
        account_id=account.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 4, 1),
    )
    for month in (1, 2):
        await world.measure("acme", 60, datetime(2024, month, 10, tzinfo=UTC))
    january, february = await composed(world, account, FEB), await composed(world, account, MAR)
    # Both were composed from the same (empty) stored draws: each would draw 60.
    assert [li.subtotal for li in february[0].lines if li.line_type.value == "COMMITMENT_CONSUMED"] == [D("-60.00")]

    if path == "one by one":
        await store_bill(world.organization_id, *january)
        await store_bill(world.organization_id, *february)
    else:
        await store_bills(world.organization_id, [january])
        await store_bills(world.organization_id, [february])

    assert await consumed(world, FEB) == [D("-60.00")]
    assert await consumed(world, MAR) == [D("-40.00")]
    assert (await Commitment.get(id=commitment.id)).amount_spent == D(100)
    feb_bill = await Bill.get(organization_id=world.organization_id, bill_date=MAR)
    assert feb_bill.bill_total == D("20.00")  # the stored total is the recomposed bill's
