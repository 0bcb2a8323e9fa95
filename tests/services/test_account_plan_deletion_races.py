"""Deleting an account plan while a bill composed from it is stored (SEMANTICS §1:
deleteAccountPlan is refused while bills carry its lines).

The delete looked for lines, and the bill job wrote them, each in its own transaction: a
bill composed before the delete and stored after it left lines of a plan that no longer
existed, under a delete that had not been refused. Now exactly one of the two wins,
through both ways of storing bills: the delete is refused IN_USE naming the bill, or the
bill is not stored and says why (and composed again, it leaves the plan out)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.domain.billing.plan_groups import member_id
from app.models.accounts import Account, AccountPlan
from app.models.billing import Bill, BillJobAccount, BillLineItem
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services import billing
from app.services.accounts.account_plans import delete_account_plan
from app.services.billing import work
from app.services.billing.commands import CreateBillJob
from app.services.billing.compute import BillRequest, compose_for_accounts
from app.services.billing.persist import StoreOptions, store_bill
from app.services.billing.persist_many import store_bills
from app.services.billing.plan_holds import AccountPlanDeleted
from app.services.errors import InputErrors
from tests.services import ACTOR, BILL_DATE, JAN, new_world

STORE = {
    "one by one": lambda org, bill: store_bill(org, *bill),
    "in chunks": lambda org, bill: store_bills(org, [bill]),
}


async def world_with_a_bill():
    world = await new_world()  # a $30 standing charge: the bill has a line of the plan
    account = await world.account("acme")
    attachment = await AccountPlan.get(organization_id=world.organization_id, account_id=account.id)
    return world, account, attachment


async def composed(world, account) -> tuple:
    computed = await compose_for_accounts(world.organization_id, {account.id: [BillRequest(BILL_DATE)]})
    (bill,) = computed.accounts[account.id].bills
    assert {line.account_plan_id for line in bill.lines} != {None}
    options = StoreOptions(
        job_id=None, actor=ACTOR, suppress_empty=False, purchase_order_number=None, meter_of=computed.catalog.meter_of
    )
    return bill, options


@pytest.mark.parametrize("path", STORE)
async def test_a_bill_composed_from_an_account_plan_deleted_since_is_not_stored(app, path):
    world, account, attachment = await world_with_a_bill()
    bill = await composed(world, account)
    await delete_account_plan(world.organization_id, attachment.id, version=attachment.version)

    with pytest.raises(AccountPlanDeleted, match=f"account plan {attachment.id} was deleted"):
        await STORE[path](world.organization_id, bill)
    assert await Bill.filter(organization_id=world.organization_id).count() == 0
    assert await BillLineItem.filter(organization_id=world.organization_id).count() == 0
    # Composed again, the bill has nothing of the deleted plan.
    again = await compose_for_accounts(world.organization_id, {account.id: [BillRequest(BILL_DATE)]})
    assert again.accounts[account.id].bills == []


@pytest.mark.parametrize("path", STORE)
async def test_a_group_members_bill_whose_group_attachment_was_deleted_since_is_not_stored(app, path):
    """A member line names a member derived from the attachment (no row of its own): the
    attachment it derives from is what the bill holds."""
    world = await new_world()
    org = world.organization_id
    account = world.accounts["acme"] = await Account.create(organization_id=org, code="acme", name="Acme")
    group = await PlanGroup.create(organization_id=org, code="pro", name="Pro", currency="USD")
    await PlanGroupLink.create(
        organization_id=org, plan_group_id=group.id, plan_id=world.plan.id, product_id=world.plan.product_id
    )
    attachment = await AccountPlan.create(
        organization_id=org, account_id=account.id, plan_group_id=group.id, start_date=JAN
    )
    bill = await composed(world, account)
    member = member_id(attachment.id, world.plan.id)
    assert {(line.account_plan_id, line.plan_group_id) for line in bill[0].lines} == {(member, group.id)}
    await delete_account_plan(org, attachment.id, version=attachment.version)

    with pytest.raises(AccountPlanDeleted, match=f"account plan {member} was deleted"):
        await STORE[path](org, bill)
    assert await Bill.filter(organization_id=org).count() == 0


@pytest.mark.parametrize("path", STORE)
@pytest.mark.parametrize("delete_delay", [0.0, 0.005, 0.02])
async def test_an_account_plan_deleted_while_its_bill_is_stored_is_never_both(app, path, delete_delay):
    world, account, attachment = await world_with_a_bill()
    bill = await composed(world, account)

    async def delete() -> InputErrors | None:
        await asyncio.sleep(delete_delay)
        try:
            await delete_account_plan(world.organization_id, attachment.id, version=attachment.version)
        except InputErrors as refused:
            return refused
        return None

    async def store() -> AccountPlanDeleted | None:
        try:
            await STORE[path](world.organization_id, bill)
        except AccountPlanDeleted as gone:
            return gone
        return None

    refused, gone = await asyncio.gather(delete(), store())
    deleted = not await AccountPlan.filter(id=attachment.id).exists()
    lines = await BillLineItem.filter(organization_id=world.organization_id, account_plan_id=attachment.id).count()
    if refused is not None:
        [problem] = refused.problems
        assert (problem.code.value, problem.path) == ("IN_USE", ("input", "id"))
        assert gone is None and not deleted and lines > 0
    else:
        assert deleted and gone is not None and lines == 0
        assert await Bill.filter(organization_id=world.organization_id).count() == 0


async def test_a_bill_job_fails_the_account_whose_plan_was_deleted_while_it_was_billed(app, monkeypatch):
    world, account, attachment = await world_with_a_bill()
    compose = work.compose_for_accounts

    async def compose_then_delete(*args, **options):  # the real composition, a real delete right after
        computed = await compose(*args, **options)
        await delete_account_plan(world.organization_id, attachment.id, version=attachment.version)
        return computed

    monkeypatch.setattr(work, "compose_for_accounts", compose_then_delete)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    done = await world.job(job.id)
    assert (done.status, done.total, done.failed) == ("COMPLETE", 1, 1)
    row = await BillJobAccount.get(organization_id=world.organization_id, bill_job_id=job.id, account_id=account.id)
    assert row.status == "FAILED"
    assert f"account plan {attachment.id} was deleted while the bill was calculated; run the bill again" in row.reason
    assert await Bill.filter(organization_id=world.organization_id).count() == 0
