"""The scheduler tick with "now" injected (SEMANTICS §13.2 rules 1–2): each due run claimed
once, as ordinary bill jobs marked scheduled over every open period, caught up once.

The world: a monthly plan from 2024-01-01 (UTC), an hourly-6 schedule. At 02-01 00:00
January's bill (dated 02-01) is still in its late-data window (until 02-02 00:00) and
February's (03-01) has started: one job per bill date.
"""

import asyncio
from datetime import UTC, date, datetime

from app.models.billing import Bill, BillJob, ScheduledRun
from app.models.organization import OrganizationConfig
from app.services import billing
from app.services.billing.commands import CreateBillJob
from app.services.billing.lifecycle import approve_bills
from app.services.scheduling import run_scheduled_billing, start_due_run
from tests.services import line_view, lines_of, new_world

FEB1 = date(2024, 2, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def scheduled_world(interval: str = "6", **config):
    world = await new_world()
    await world.account("acme")
    await world.account("bolt", start=utc(2024, 2, 1))
    await world.configure(scheduled_bill_interval=interval, **config)
    return world


async def config_of(world) -> OrganizationConfig:
    return await OrganizationConfig.get(organization_id=world.organization_id)


async def jobs_of(world) -> list[BillJob]:
    return await BillJob.filter(organization_id=world.organization_id).order_by("triggered_at", "bill_date")


async def test_a_due_run_is_bill_jobs_over_every_open_period(app):
    world = await scheduled_world()
    run = await start_due_run(await config_of(world), utc(2024, 2, 1, 0, 30), enqueue=None)
    assert run is not None and run.run_at == utc(2024, 2, 1)
    jobs = await jobs_of(world)
    assert [(j.bill_date, j.type, j.scheduled, j.triggered_at, j.status) for j in jobs] == [
        (date(2024, 2, 1), "CREATE", True, utc(2024, 2, 1), "PENDING"),
        (date(2024, 3, 1), "CREATE", True, utc(2024, 2, 1), "PENDING"),
    ]
    acme, bolt = str(world.accounts["acme"].id), str(world.accounts["bolt"].id)
    # bolt's plan starts 02-01: nothing to bill for January.
    assert [j.account_ids for j in jobs] == [[acme], sorted([acme, bolt])]
    assert sorted(run.bill_job_ids) == sorted(str(j.id) for j in jobs)


async def test_a_run_starts_once_and_missed_runs_are_caught_up_once(app):
    world = await scheduled_world()
    assert await start_due_run(await config_of(world), utc(2024, 2, 1, 0, 30), enqueue=None)
    assert await start_due_run(await config_of(world), utc(2024, 2, 1, 5, 59), enqueue=None) is None
    # No worker from 02-01 06:00 to 02-03 13:00: 10 slots missed, one run (the latest slot).
    caught_up = await start_due_run(await config_of(world), utc(2024, 2, 3, 13), enqueue=None)
    assert caught_up is not None and caught_up.run_at == utc(2024, 2, 3, 12)
    runs = await ScheduledRun.filter(organization_id=world.organization_id).order_by("run_at")
    assert [r.run_at for r in runs] == [utc(2024, 2, 1), utc(2024, 2, 3, 12)]
    # January's window closed at 02-02 00:00: the catch-up covers February only.
    assert [j.bill_date for j in await jobs_of(world)][2:] == [date(2024, 3, 1)]


async def test_concurrent_ticks_at_the_same_moment_start_one_run(app):
    world = await scheduled_world()
    config = await config_of(world)
    now = utc(2024, 2, 1, 0, 30)
    results = await asyncio.gather(*(start_due_run(config, now, enqueue=None) for _ in range(4)))
    assert sum(r is not None for r in results) == 1
    assert await ScheduledRun.filter(organization_id=world.organization_id).count() == 1
    assert len(await jobs_of(world)) == 2


async def test_the_tick_covers_organizations_with_a_schedule_only(app):
    on = await scheduled_world("24", scheduled_bill_offset=2, timezone="Europe/Berlin")
    off = await scheduled_world("0")
    # 02-01 02:00 in Berlin is 01:00 UTC.
    started = await run_scheduled_billing(utc(2024, 2, 1, 1, 5), enqueue=None)
    mine = [r for r in started if r.organization_id in (on.organization_id, off.organization_id)]
    assert [(r.organization_id, r.run_at) for r in mine] == [(on.organization_id, utc(2024, 2, 1, 1))]
    assert await jobs_of(off) == []


async def tick(world, now: datetime) -> list[BillJob]:
    """One scheduler tick at `now`, its jobs run to completion here."""
    run = await start_due_run(await config_of(world), now, enqueue=None)
    assert run is not None
    jobs = [await BillJob.get(id=job_id) for job_id in run.bill_job_ids]
    for job in jobs:
        await billing.run_bill_job(world.organization_id, job.id)
    return [await BillJob.get(id=job.id) for job in jobs]


async def january_bill(world) -> Bill:
    return await Bill.get(organization_id=world.organization_id, account_id=world.accounts["acme"].id, bill_date=FEB1)


async def test_a_scheduled_recalculation_that_changes_nothing_leaves_the_bill_alone(app):
    """acme, 700 GB in January: 500 × 0.15 + 200 × 0.10 + 30 = 125.00, made by the run at
    02-01 00:00. The 06:00 run finds nothing new: the bill keeps its version and, once
    approved, stays APPROVED. 100 GB more (late, January) reach the 12:00 run: 125.00 +
    100 × 0.10 = 135.00, a new version, PENDING again (SEMANTICS §13.2 rule 3, §7.5)."""
    world = await scheduled_world()
    await world.measure("acme", 700)
    await tick(world, utc(2024, 2, 1, 0, 30))
    made = await january_bill(world)
    assert (str(made.bill_total), made.status, made.version) == ("125.00", "PENDING", 1)
    lines_before = [line_view(line) for line in await lines_of(made)]
    await approve_bills(world.organization_id, [made.id], actor="tester")
    approved = await january_bill(world)
    jobs = await tick(world, utc(2024, 2, 1, 6))
    assert [j.status for j in jobs] == ["COMPLETE", "COMPLETE"]
    untouched = await january_bill(world)
    assert (untouched.status, untouched.version, untouched.bill_job_id) == (
        "APPROVED",
        approved.version,
        made.bill_job_id,
    )
    assert [line_view(line) for line in await lines_of(untouched)] == lines_before
    assert str(untouched.id) not in jobs[0].result_bill_ids
    await world.measure("acme", 100, ts=utc(2024, 1, 20))
    await tick(world, utc(2024, 2, 1, 12))
    changed = await january_bill(world)
    assert (str(changed.bill_total), changed.status, changed.version) == ("135.00", "PENDING", approved.version + 1)


async def test_a_manual_job_still_recalculates_an_unchanged_bill(app):
    """Only scheduled runs skip unchanged bills: a client's job writes the bill again."""
    world = await scheduled_world()
    await world.measure("acme", 700)
    await tick(world, utc(2024, 2, 1, 0, 30))
    before = await january_bill(world)
    job = await billing.create_bill_job(world.organization_id, CreateBillJob(bill_date=FEB1), actor="t", enqueue=None)
    await billing.run_bill_job(world.organization_id, job.id)
    assert (await january_bill(world)).version == before.version + 1
