"""The scheduler tick with "now" injected (SEMANTICS §13.2 rules 1–2): each due run claimed
once, as ordinary bill jobs marked scheduled over every open period, caught up once.

The world: a monthly plan from 2024-01-01 (UTC), an hourly-6 schedule. At 02-01 00:00
January's bill (dated 02-01) is still in its late-data window (until 02-02 00:00) and
February's (03-01) has started: one job per bill date.
"""

import asyncio
from datetime import UTC, date, datetime

from app.models.billing import BillJob, ScheduledRun
from app.models.organization import OrganizationConfig
from app.services.scheduling import run_scheduled_billing, start_due_run
from tests.services import new_world


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
