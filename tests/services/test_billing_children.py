"""Parent and child accounts in bill jobs (SEMANTICS §7.3), real PostgreSQL and Redis.

Reference: a parent with two children without plans of their own; tiered pricing
0 @ 0.15, 500 @ 0.10; parent 300 GB, child-a 200 GB, child-b 200 GB = 700 GB as one block:
500 × 0.15 + 200 × 0.10 = 95.00 (rated alone they would be 45.00 + 30.00 + 30.00).
"""

from __future__ import annotations

from decimal import Decimal

from app.domain.billing.children import split_block
from app.models.accounts import Account, AccountPlan
from app.models.billing import Bill
from app.services import billing
from app.services.billing.commands import RecalculateBills
from tests.services import ACTOR, JAN, LAST_DAY, lines_of, new_world
from tests.services.test_billing_jobs import create_and_run

D = Decimal


async def family(mode: str | None = None, *, own_plan_for: tuple[str, ...] = ()):
    world = await new_world()
    parent = await world.account("parent")
    if mode is not None:
        await AccountPlan.filter(account_id=parent.id).update(child_billing_mode=mode)
    for code in ("child-a", "child-b"):
        if code in own_plan_for:
            await world.account(code, parent_account_id=parent.id)
        else:
            world.accounts[code] = await Account.create(
                organization_id=world.organization_id, code=code, name=code.title(), parent_account_id=parent.id
            )
    await world.measure("parent", 300)
    await world.measure("child-a", 200)
    await world.measure("child-b", 200)
    return world


def usage_lines(lines):
    return [(li.child_account_code, li.units, li.subtotal) for li in lines if li.line_item_type == "USAGE"]


async def test_breakdown_puts_one_line_per_account_summing_to_the_block_charge(app):
    world = await family()
    job_id = await create_and_run(world)
    job = await world.job(job_id)
    assert (job.status, job.total, job.failed) == ("COMPLETE", 1, 0)
    bills = await world.bills()
    assert [b.account_code for b in bills] == ["parent"]
    lines = await lines_of(bills[0])
    split = split_block(D("95.00"), {"parent": D(300), "child-a": D(200), "child-b": D(200)}, 2)
    assert sum(split.values()) == D("95.00")
    assert usage_lines(lines) == [
        (None, D(300), split["parent"]),
        ("child-a", D(200), split["child-a"]),
        ("child-b", D(200), split["child-b"]),
    ]
    assert split == {"parent": D("40.72"), "child-a": D("27.14"), "child-b": D("27.14")}
    by_code = {li.child_account_code: li for li in lines}
    assert by_code["child-a"].child_account_id == world.accounts["child-a"].id
    assert by_code[None].child_account_id is None
    assert bills[0].bill_total == D("125.00")


async def test_summary_puts_one_line_for_the_block(app):
    world = await family("PARENT_SUMMARY")
    await create_and_run(world)
    (bill,) = await world.bills()
    assert usage_lines(await lines_of(bill)) == [(None, D(700), D("95.00"))]
    assert bill.bill_total == D("125.00")


async def test_child_mode_gives_each_child_its_own_bill(app):
    world = await family("CHILD")
    job_id = await create_and_run(world)
    job = await world.job(job_id)
    assert (job.status, job.failed) == ("COMPLETE", 0)
    bills = {b.account_code: b for b in await world.bills()}
    assert sorted(bills) == ["child-a", "child-b", "parent"]
    assert usage_lines(await lines_of(bills["parent"])) == [(None, D(300), D("45.00"))]
    assert bills["parent"].bill_total == D("75.00")
    for code in ("child-a", "child-b"):
        lines = await lines_of(bills[code])
        assert [(li.line_item_type, li.units, li.subtotal) for li in lines] == [("USAGE", D(200), D("30.00"))]
        assert bills[code].account_id == world.accounts[code].id and bills[code].bill_total == D("30.00")
    assert len(job.result_bill_ids) == 3


async def test_a_child_with_its_own_plan_is_rated_alone(app):
    world = await family(own_plan_for=("child-b",))
    await create_and_run(world)
    bills = {b.account_code: b for b in await world.bills()}
    assert sorted(bills) == ["child-b", "parent"]
    # block: parent 300 + child-a 200 = 500 units, all in the first tier = 75.00
    split = split_block(D("75.00"), {"p": D(300), "a": D(200)}, 2)
    assert usage_lines(await lines_of(bills["parent"])) == [(None, D(300), split["p"]), ("child-a", D(200), split["a"])]
    assert usage_lines(await lines_of(bills["child-b"])) == [(None, D(200), D("30.00"))]


async def test_a_job_over_all_accounts_bills_each_child_once_and_a_parent_job_includes_children(app):
    world = await family(own_plan_for=("child-b",))
    await create_and_run(world)
    await create_and_run(world)
    assert await Bill.filter(organization_id=world.organization_id).count() == 2
    other = await family("PARENT_SUMMARY")
    await create_and_run(other, account_ids=[str(other.accounts["parent"].id)])
    (bill,) = await other.bills()
    assert usage_lines(await lines_of(bill)) == [(None, D(700), D("95.00"))]


async def test_preview_of_a_parent_rates_the_block(app):
    world = await family("CHILD")
    (bill,) = await billing.preview_bill(
        world.organization_id, world.accounts["parent"].id, last_date_in_billing_period=LAST_DAY
    )
    assert bill.account_id == world.accounts["parent"].id


async def test_recalculating_a_child_mode_childs_bill_recomputes_it_through_the_parent(app):
    world = await family("CHILD")
    await create_and_run(world)
    bills = {b.account_code: b for b in await world.bills()}
    await world.measure("child-a", 100)  # late usage: child-a now 300 GB alone = 45.00
    job = await billing.recalculate_bills(
        world.organization_id, RecalculateBills([bills["child-a"].id]), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    job = await world.job(job.id)
    assert (job.status, job.failed) == ("COMPLETE", 0)
    assert [str(b) for b in job.result_bill_ids] == [str(bills["child-a"].id)]
    after = {b.account_code: b for b in await world.bills()}
    assert after["child-a"].id == bills["child-a"].id
    assert usage_lines(await lines_of(after["child-a"])) == [(None, D(300), D("45.00"))]
    assert after["child-a"].bill_total == D("45.00")
    # the parent's bill and child-b's were not touched
    for code in ("parent", "child-b"):
        assert after[code].last_calculated_date == bills[code].last_calculated_date


async def _child_with_own_plan_for_another_product(world):
    """child-a: CHILD mode under the parent's storage plan, and its own plan for support."""
    from app.models.catalog import Plan, PlanTemplate, Product

    org_id = world.organization_id
    product = await Product.create(organization_id=org_id, code="support", name="Support")
    template = await PlanTemplate.create(
        organization_id=org_id,
        product_id=product.id,
        code="sup",
        name="Support",
        currency="USD",
        bill_frequency="MONTHLY",
        standing_charge=D("10"),
        standing_charge_description="Support",
    )
    plan = await Plan.create(
        organization_id=org_id,
        plan_template_id=template.id,
        product_id=product.id,
        code="sup-plan",
        name="Support plan",
    )
    await AccountPlan.create(
        organization_id=org_id,
        account_id=world.accounts["child-a"].id,
        plan_id=plan.id,
        product_id=product.id,
        start_date=JAN,
    )
    return product


def _content(lines):
    return [(li.line_item_type, li.product_id, li.units, li.subtotal, li.converted_subtotal) for li in lines]


async def test_a_child_mode_child_with_its_own_plan_for_another_product_gets_one_merged_bill(app):
    world = await family("CHILD")
    support = await _child_with_own_plan_for_another_product(world)
    job_id = await create_and_run(world)
    job = await world.job(job_id)
    assert (job.status, job.failed) == ("COMPLETE", 0)
    bills = [b for b in await world.bills() if b.account_code == "child-a"]
    assert len(bills) == 1
    (bill,) = bills
    lines = await lines_of(bill)
    content = _content(lines)
    assert content == [
        ("USAGE", world.product.id, D(200), D("30.00"), D("30.00")),
        ("STANDING_CHARGE", support.id, None, D("10.00"), D("10.00")),
    ]
    assert bill.bill_total == D("40.00") == sum(li.converted_subtotal for li in lines)
    assert sorted(await Bill.filter(organization_id=world.organization_id).values_list("account_code", flat=True)) == [
        "child-a",
        "child-b",
        "parent",
    ]
    # Again: still one bill, the same lines.
    await create_and_run(world)
    again = [b for b in await world.bills() if b.account_code == "child-a"]
    assert [b.id for b in again] == [bill.id]
    assert _content(await lines_of(again[0])) == content and again[0].bill_total == D("40.00")
    # A job over the child alone, and over the parent alone: the same merged bill.
    await create_and_run(world, account_ids=[str(world.accounts["child-a"].id)])
    await create_and_run(world, account_ids=[str(world.accounts["parent"].id)])
    again = [b for b in await world.bills() if b.account_code == "child-a"]
    assert [b.id for b in again] == [bill.id]
    assert _content(await lines_of(again[0])) == content and again[0].bill_total == D("40.00")


async def test_recalculating_a_merged_child_bill_recomputes_both_parts(app):
    world = await family("CHILD")
    support = await _child_with_own_plan_for_another_product(world)
    await create_and_run(world)
    bill = await world.bill_of("child-a")
    await world.measure("child-a", 100)  # late usage: child-a now 300 GB alone = 45.00
    job = await billing.recalculate_bills(world.organization_id, RecalculateBills([bill.id]), actor=ACTOR, enqueue=None)
    await billing.run_bill_job(world.organization_id, job.id)
    job = await world.job(job.id)
    assert (job.status, job.failed) == ("COMPLETE", 0)
    after = [b for b in await world.bills() if b.account_code == "child-a"]
    assert [b.id for b in after] == [bill.id]
    assert _content(await lines_of(after[0])) == [
        ("USAGE", world.product.id, D(300), D("45.00"), D("45.00")),
        ("STANDING_CHARGE", support.id, None, D("10.00"), D("10.00")),
    ]
    assert after[0].bill_total == D("55.00")
