"""Auto-approval with "now" injected (SEMANTICS §13.2 rule 4), as §13.3 tells it, in UTC with
an interval of 6 h and a grace of 2 HOURS over acme's January bill (dated 02-01): 700 GB,
500 × 0.15 + 200 × 0.10 + 30 = 125.00.

- made by the run at 02-01 00:00 → approved at 02-01 00:00 + 2 h = 02:00, not a minute before;
- 100 GB more for January reach the 06:00 run: 125.00 + 100 × 0.10 = 135.00, PENDING again,
  approved again only when the late-data window closes at 02-02 00:00;
- February's bill (03-01), made at the same run, is never approved during its period;
- a bill a client's job recalculated is never auto-approved again.

The bills' creation time is the real clock; each tick sets it to the run instant, as if the
run had happened then (the only place the tests move a stored time).
"""

from datetime import UTC, date, datetime

from app.db import connection
from app.models.billing import Bill, BillJob
from app.models.organization import OrganizationConfig
from app.services import billing
from app.services.billing.commands import RecalculateBills
from app.services.scheduling import run_scheduled_billing, start_due_run
from app.services.scheduling.approval import auto_approve_bills
from tests.services import new_world

JAN_BILL, FEB_BILL = date(2024, 2, 1), date(2024, 3, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def graced_world():
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    await world.configure(
        scheduled_bill_interval="6", auto_approve_bills_grace_period=2, auto_approve_bills_grace_period_unit="HOURS"
    )
    return world


async def config_of(world) -> OrganizationConfig:
    return await OrganizationConfig.get(organization_id=world.organization_id)


async def tick(world, now: datetime) -> None:
    run = await start_due_run(await config_of(world), now, enqueue=None)
    assert run is not None
    for job_id in run.bill_job_ids:
        await billing.run_bill_job(world.organization_id, job_id)
    async with connection() as conn:
        await conn.execute(
            "UPDATE bills SET dt_created = $2 WHERE organization_id = $1 AND dt_created > $2",
            world.organization_id,
            run.run_at,
        )


async def approve_pass(world, now: datetime) -> None:
    await auto_approve_bills(await config_of(world), now)


async def bill(world, bill_date: date) -> Bill:
    return await Bill.get(organization_id=world.organization_id, bill_date=bill_date)


async def test_approved_after_the_grace_reverted_by_late_data_and_approved_when_the_window_closes(app):
    world = await graced_world()
    await tick(world, utc(2024, 2, 1, 0, 30))
    await approve_pass(world, utc(2024, 2, 1, 1, 59))
    assert (await bill(world, JAN_BILL)).status == "PENDING"
    await approve_pass(world, utc(2024, 2, 1, 2))
    approved = await bill(world, JAN_BILL)
    assert (approved.status, approved.auto_approved, str(approved.bill_total)) == ("APPROVED", True, "125.00")

    await world.measure("acme", 100, ts=utc(2024, 1, 20))
    await tick(world, utc(2024, 2, 1, 6))
    reverted = await bill(world, JAN_BILL)
    assert (reverted.status, str(reverted.bill_total)) == ("PENDING", "135.00")
    await approve_pass(world, utc(2024, 2, 1, 23, 59))
    assert (await bill(world, JAN_BILL)).status == "PENDING"
    await approve_pass(world, utc(2024, 2, 2))
    assert (await bill(world, JAN_BILL)).status == "APPROVED"
    # February's bill: its period ends 03-01, so not before 03-01 02:00.
    assert (await bill(world, FEB_BILL)).status == "PENDING"
    await approve_pass(world, utc(2024, 3, 1, 1, 59))
    assert (await bill(world, FEB_BILL)).status == "PENDING"


async def test_a_bill_a_client_recalculated_is_never_auto_approved(app):
    world = await graced_world()
    await tick(world, utc(2024, 2, 1, 0, 30))
    january = await bill(world, JAN_BILL)
    job = await billing.recalculate_bills(
        world.organization_id, RecalculateBills(bill_ids=[january.id]), actor="someone", enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    recalculated = await bill(world, JAN_BILL)
    assert (recalculated.version, recalculated.auto_approve_blocked) == (january.version + 1, True)
    await approve_pass(world, utc(2024, 6, 1))
    assert (await bill(world, JAN_BILL)).status == "PENDING"


async def test_the_tick_runs_the_approval_pass(app):
    world = await graced_world()
    await tick(world, utc(2024, 2, 1, 0, 30))
    await run_scheduled_billing(utc(2024, 2, 1, 2, 1), enqueue=None)
    assert (await bill(world, JAN_BILL)).status == "APPROVED"
    assert await BillJob.filter(organization_id=world.organization_id, scheduled=True).count() == 2
