"""Scheduled runs make AD_HOC bills (SEMANTICS §9.2 rule 4, §13.2 rule 2), real PostgreSQL.

The world (UTC): a monthly plan from 2024-01-01 billing on the 1st, an hourly-6 schedule.
- acme (on the plan) has a charge of 40.00 dated 2024-02-15: no plan bill that day, so an
  AD_HOC bill dated 02-15 with period [02-14, 02-15). Its window: from 02-14 00:00 (the
  period starts) until 02-15 00:00 + 24 h = 02-16 00:00.
- cole (no plan at all) has a commitment fee of 60.00 dated 2024-02-15: an AD_HOC bill of
  the fee alone, same period and window.
The run at 02-15 00:00 makes both AD_HOC bills (beside February's plan bill job, 03-01);
the run at 02-16 00:00 finds their windows closed and leaves them to manual jobs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.models.accounts import Account, AccountPlan, Commitment
from app.models.billing import Bill, BillJob
from app.models.charges import Charge
from app.services.scheduling import start_due_run
from tests.services import lines_of
from tests.services.test_scheduling import config_of, scheduled_world, tick, utc

D = Decimal
FEB15 = date(2024, 2, 15)


async def charge_world(**config):
    world = await scheduled_world(**config)
    await Charge.create(
        organization_id=world.organization_id,
        account_id=world.accounts["acme"].id,
        code="setup",
        name="Setup",
        currency="USD",
        amount=D("40"),
        bill_date=FEB15,
        service_period_start=utc(2024, 2, 14),
        service_period_end=utc(2024, 2, 15),
    )
    return world


async def fee_world():
    world = await scheduled_world()
    cole = await Account.create(organization_id=world.organization_id, code="cole", name="Cole")
    world.accounts["cole"] = cole
    await Commitment.create(
        organization_id=world.organization_id,
        account_id=cole.id,
        currency="USD",
        amount=D(100),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 4, 1),
        fee_dates=[
            {
                "date": "2024-02-15",
                "amount": "60",
                "servicePeriodStartDate": "2024-02-01T00:00:00+00:00",
                "servicePeriodEndDate": "2024-03-01T00:00:00+00:00",
            }
        ],
        commitment_fee_description="Prepayment",
    )
    return world


async def ad_hoc_bill(world, code: str) -> Bill | None:
    return await Bill.filter(
        organization_id=world.organization_id, account_id=world.accounts[code].id, billing_frequency="AD_HOC"
    ).first()


async def jobs_by_date(jobs: list[BillJob]) -> dict[date, list[str]]:
    return {j.bill_date: sorted(j.account_ids) for j in jobs}


async def test_a_charge_only_day_is_billed_by_the_scheduled_run(app):
    world = await charge_world()
    acme = str(world.accounts["acme"].id)
    jobs = await tick(world, utc(2024, 2, 15, 0, 30))
    assert await jobs_by_date(jobs) == {FEB15: [acme], date(2024, 3, 1): sorted([acme, str(world.accounts["bolt"].id)])}
    assert [j.status for j in jobs] == ["COMPLETE", "COMPLETE"]
    bill = await ad_hoc_bill(world, "acme")
    assert bill is not None
    assert (bill.bill_date, bill.start_date, bill.end_date, bill.bill_total) == (
        FEB15,
        date(2024, 2, 14),
        FEB15,
        D("40.00"),
    )
    assert [(li.line_item_type, li.subtotal) for li in await lines_of(bill)] == [("AD_HOC", D("40.00"))]
    assert (await Charge.get(organization_id=world.organization_id, code="setup")).bill_id == bill.id


async def test_a_commitment_fee_only_day_is_billed_by_the_scheduled_run(app):
    world = await fee_world()
    jobs = await tick(world, utc(2024, 2, 15, 6))
    assert (await jobs_by_date(jobs))[FEB15] == [str(world.accounts["cole"].id)]
    bill = await ad_hoc_bill(world, "cole")
    assert bill is not None and (bill.bill_date, bill.bill_total) == (FEB15, D("60.00"))
    assert [(li.line_item_type, li.subtotal) for li in await lines_of(bill)] == [("COMMITMENT_FEE", D("60.00"))]


async def test_the_ad_hoc_window_opens_with_its_period_and_closes_a_day_after_it(app):
    """02-13 18:00: the period [02-14, 02-15) has not started. 02-14 00:00: it has (the
    day before the bill date). 02-16 00:00: the window has closed."""
    world = await charge_world()
    config = await config_of(world)
    early = await start_due_run(config, utc(2024, 2, 13, 18), enqueue=None)
    assert early is not None
    assert FEB15 not in {j.bill_date for j in await BillJob.filter(id__in=early.bill_job_ids)}
    opened = await start_due_run(await config_of(world), utc(2024, 2, 14), enqueue=None)
    assert opened is not None
    assert FEB15 in {j.bill_date for j in await BillJob.filter(id__in=opened.bill_job_ids)}
    last = await start_due_run(await config_of(world), utc(2024, 2, 15, 18), enqueue=None)
    assert last is not None
    assert FEB15 in {j.bill_date for j in await BillJob.filter(id__in=last.bill_job_ids)}
    closed = await start_due_run(await config_of(world), utc(2024, 2, 16), enqueue=None)
    assert closed is not None
    assert FEB15 not in {j.bill_date for j in await BillJob.filter(id__in=closed.bill_job_ids)}


async def test_the_ad_hoc_window_follows_the_organization_timezone(app):
    """Berlin (UTC+1 in February): the period [02-14, 02-15) starts at 02-13 23:00 UTC and
    the window closes at 02-15 23:00 UTC (local midnight of 02-16)."""
    world = await charge_world(timezone="Europe/Berlin")
    for at, covered in ((utc(2024, 2, 13, 22), False), (utc(2024, 2, 13, 23), True), (utc(2024, 2, 15, 22), True)):
        run = await start_due_run(await config_of(world), at, enqueue=None)
        assert run is not None
        assert (FEB15 in {j.bill_date for j in await BillJob.filter(id__in=run.bill_job_ids)}) is covered, at
    closed = await start_due_run(await config_of(world), utc(2024, 2, 15, 23), enqueue=None)
    assert closed is not None
    assert FEB15 not in {j.bill_date for j in await BillJob.filter(id__in=closed.bill_job_ids)}


async def test_a_charge_on_a_plan_bill_whose_window_closed_is_left_to_manual_jobs(app):
    """acme's plan ends 01-15 00:00, so its bill dated 02-01 (period [01-01, 01-15)) closed
    its window at 01-16 00:00. A charge dated 02-01 goes on that MONTHLY bill (§9.2 rule 3),
    not on an AD_HOC bill: the run at 02-01 does not bill acme for 02-01 at all."""
    world = await scheduled_world()
    acme = world.accounts["acme"]
    await AccountPlan.filter(organization_id=world.organization_id, account_id=acme.id).update(
        end_date=utc(2024, 1, 15)
    )
    await Charge.create(
        organization_id=world.organization_id,
        account_id=acme.id,
        code="setup",
        name="Setup",
        currency="USD",
        amount=D("40"),
        bill_date=date(2024, 2, 1),
        service_period_start=utc(2024, 1, 31),
        service_period_end=utc(2024, 2, 1),
    )
    jobs = await tick(world, utc(2024, 2, 1, 0, 30))
    assert all(str(acme.id) not in j.account_ids for j in jobs)
    assert await Bill.filter(organization_id=world.organization_id, account_id=acme.id).count() == 0
