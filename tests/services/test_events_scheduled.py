"""Scheduled runs' events (SEMANTICS §14.1, §13.2 rule 3): `scheduled.billrun.completed`
once per run when its last job ends, with its counts; a scheduled recalculation that
changes nothing records no bill event; auto-approval records `billing.bill.approved`; a closed
late-data window is announced once (`scheduled.bill.enddate`).

The world (tests/services/test_scheduling.py): a monthly plan from 2024-01-01, acme from
January, bolt from February, an hourly-6 schedule. The run at 02-01 00:00 has two jobs:
January's bill (02-01: acme) and February's (03-01: acme and bolt)."""

from datetime import UTC, date, datetime, timedelta

from app.models.billing import Bill, BillJob
from app.models.events import Event
from app.models.organization import OrganizationConfig
from app.services import billing
from app.services.events.windows import announce_closed_windows
from app.services.scheduling import start_due_run
from app.services.scheduling.approval import auto_approve_bills
from tests.services import new_world


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def scheduled_world():
    world = await new_world("Scheduled events")
    await world.account("acme")
    await world.account("bolt", start=utc(2024, 2, 1))
    await world.configure(scheduled_bill_interval="6")
    return world


async def tick(world, now: datetime):
    run = await start_due_run(await OrganizationConfig.get(organization_id=world.organization_id), now, enqueue=None)
    assert run is not None
    for job_id in run.bill_job_ids:
        await billing.run_bill_job(world.organization_id, (await BillJob.get(id=job_id)).id)
    return run


async def of_type(world, type_: str) -> list[Event]:
    return await Event.filter(organization_id=world.organization_id, type=type_).order_by("occurred_at")


async def test_a_run_records_its_completion_once_with_counts(app):
    world = await scheduled_world()
    await world.measure("acme", 700)
    first = await tick(world, utc(2024, 2, 1, 0, 30))
    [done] = await of_type(world, "scheduled.billrun.completed")
    assert (done.entity_type, done.entity_id, done.sequence) == ("scheduledrun", first.id, 1)
    # Three bills made (acme's January, acme's and bolt's February), none failed.
    assert {k: done.payload[k] for k in ("created", "updated", "unchanged", "failed")} == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert sorted(done.payload["billJobIds"]) == sorted(first.bill_job_ids)
    assert done.payload["runAt"] == "2024-02-01T00:00:00Z"

    # 06:00: nothing new. The scheduled recalculation leaves every bill alone and records no
    # bill event (§13.2 rule 3); the run still reports itself, all unchanged.
    bill_events_before = await Event.filter(organization_id=world.organization_id, entity_type="bill").count()
    second = await tick(world, utc(2024, 2, 1, 6))
    assert await Event.filter(organization_id=world.organization_id, entity_type="bill").count() == bill_events_before
    runs = await of_type(world, "scheduled.billrun.completed")
    assert [r.entity_id for r in runs] == [first.id, second.id]
    assert {k: runs[1].payload[k] for k in ("created", "updated", "unchanged", "failed")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "failed": 0,
    }
    # Each job's end was recorded too.
    assert len(await of_type(world, "billing.billjob.completed")) == len(first.bill_job_ids) + len(second.bill_job_ids)


async def test_auto_approval_records_approved_bills(app):
    world = await scheduled_world()
    await world.configure(auto_approve_bills_grace_period=1, auto_approve_bills_grace_period_unit="HOURS")
    await tick(world, utc(2024, 2, 1, 0, 30))
    config = await OrganizationConfig.get(organization_id=world.organization_id)
    # Due at max(period end, created) + 1 hour; the bills were created just now.
    approved = await auto_approve_bills(config, datetime.now(UTC) + timedelta(hours=2))
    january = await Bill.get(organization_id=world.organization_id, bill_date=date(2024, 2, 1))
    assert january.id in approved
    event = next(e for e in await of_type(world, "billing.bill.approved") if e.entity_id == january.id)
    assert len(await of_type(world, "billing.bill.approved")) == len(approved)
    assert event.entity_id == january.id
    assert (event.payload["old"]["status"], event.payload["new"]["status"]) == ("PENDING", "APPROVED")
    assert event.payload["new"]["autoApproved"] is True


async def test_a_closed_late_data_window_is_announced_once(app):
    """January's bill (end date 02-01) has its window open until 02-02 00:00 UTC: a tick at
    02-01 23:00 announces nothing, the ticks at 02-02 00:30 and 06:00 announce it once.
    February's (03-01) stays open."""
    world = await scheduled_world()
    await tick(world, utc(2024, 2, 1, 0, 30))
    january = await Bill.get(organization_id=world.organization_id, bill_date=date(2024, 2, 1))
    config = await OrganizationConfig.get(organization_id=world.organization_id)
    # The bills' end dates are in 2024: look back from then (the lookback bounds the query).
    assert await announce_closed_windows(config, utc(2024, 2, 1, 23)) == 0
    assert await announce_closed_windows(config, utc(2024, 2, 2, 0, 30)) == 1
    assert await announce_closed_windows(config, utc(2024, 2, 2, 6)) == 0
    [event] = await of_type(world, "scheduled.bill.enddate")
    assert (event.entity_type, event.entity_id, set(event.payload)) == ("bill", january.id, {"new"})
    assert event.payload["new"]["endDate"] == "2024-02-01"
