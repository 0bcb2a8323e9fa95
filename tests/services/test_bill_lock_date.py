"""The global bill lock date at the service level (SEMANTICS §13.2 rule 5), real PostgreSQL.

The reference world (tests.services): January 2024 is billed on 2024-02-01, so its last
day in the billing period is 2024-01-31; February's bill is dated 2024-03-01. 700 GB in
January: 500 × 0.15 + 200 × 0.10 + 30 standing = 125.00.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.db import connection
from app.models.billing import Bill, BillConfig
from app.models.organization import OrganizationConfig
from app.services import billing
from app.services.billing import lifecycle, lock_date
from app.services.billing.commands import RecalculateBills, UpdateBillConfig
from app.services.errors import InputErrors
from app.services.scheduling import tick
from tests.services import ACTOR, BillingWorld, at, new_world
from tests.services.test_billing_jobs import create_and_run

D = Decimal
JAN_31, FEB_29 = date(2024, 1, 31), date(2024, 2, 29)


async def set_lock(world: BillingWorld, lock: date | None, version: int | None = None) -> BillConfig:
    if version is None:
        version = (await lock_date.get_bill_config(world.organization_id)).version
    return await lock_date.update_bill_config(world.organization_id, UpdateBillConfig(lock, version), actor=ACTOR)


def refusal(exc: pytest.ExceptionInfo[InputErrors]) -> list[tuple]:
    return [(p.path, p.code.value) for p in exc.value.problems]


async def approved_january(*codes: str) -> BillingWorld:
    """Accounts with 700 GB in January, billed and approved."""
    world = await new_world()
    for code in codes:
        await world.account(code)
        await world.measure(code, 700)
    await create_and_run(world)
    await lifecycle.approve_bills(world.organization_id, [b.id for b in await world.bills()], actor=ACTOR)
    return world


async def state(world: BillingWorld) -> list[tuple]:
    return [(b.account_code, b.bill_date, b.status, b.locked, b.locked_by_lock_date) for b in await world.bills()]


async def test_a_period_ending_exactly_on_the_lock_date_is_locked_the_day_before_is_not(app):
    world = await approved_january("acme")
    config = await set_lock(world, date(2024, 1, 30))  # January ends 01-31: the day after L
    assert (config.bill_lock_date, config.version) == (date(2024, 1, 30), 2)
    assert await state(world) == [("acme", date(2024, 2, 1), "APPROVED", False, False)]

    config = await set_lock(world, JAN_31)  # January's last day is exactly L
    assert (config.bill_lock_date, config.version) == (JAN_31, 3)
    assert await state(world) == [("acme", date(2024, 2, 1), "APPROVED", True, True)]
    assert (await lock_date.get_bill_config(world.organization_id)).bill_lock_date == JAN_31


async def test_a_pending_bill_in_range_refuses_the_date_naming_it_and_changes_nothing(app):
    world = await approved_january("acme", "globex")
    globex = await world.bill_of("globex")
    assert globex is not None
    await world.measure("globex", 100, at(20))
    await create_and_run(world, account_ids=[world.accounts["globex"].id])  # globex's bill: PENDING again
    before = {b.id: b.version for b in await world.bills()}

    with pytest.raises(InputErrors) as refused:
        await set_lock(world, JAN_31)
    assert refusal(refused) == [(("input", "billLockDate"), "INVALID_STATE")]
    message = refused.value.problems[0].message
    assert str(globex.id) in message and "globex" in message
    assert str((await world.bill_of("acme")).id) not in message  # APPROVED: not in the way
    # Nothing changed: no bill locked (acme either), no version moved, no settings stored.
    assert {b.id: b.version for b in await world.bills()} == before
    assert not any(b.locked for b in await world.bills())
    assert await BillConfig.filter(organization_id=world.organization_id).count() == 0

    # Once approved, the same date is accepted.
    await lifecycle.approve_bills(world.organization_id, [globex.id], actor=ACTOR)
    await set_lock(world, JAN_31)
    assert [locked for *_, locked in await state(world)] == [True, True]


async def test_moving_the_date_back_unlocks_only_what_the_lock_date_locked(app):
    world = await approved_january("acme", "globex")
    acme = await world.bill_of("acme")
    await lifecycle.lock_bill(world.organization_id, acme.id, version=acme.version, actor=ACTOR)  # a person's lock
    await set_lock(world, JAN_31)
    assert await state(world) == [
        ("acme", date(2024, 2, 1), "APPROVED", True, False),  # already locked by a person: stays theirs
        ("globex", date(2024, 2, 1), "APPROVED", True, True),
    ]

    await set_lock(world, date(2023, 12, 31))  # earlier: January is out of range again
    assert await state(world) == [
        ("acme", date(2024, 2, 1), "APPROVED", True, False),
        ("globex", date(2024, 2, 1), "APPROVED", False, False),
    ]
    await set_lock(world, JAN_31)
    config = await set_lock(world, None)  # cleared
    assert config.bill_lock_date is None
    assert [(code, locked, by_date) for code, _, _, locked, by_date in await state(world)] == [
        ("acme", True, False),
        ("globex", False, False),
    ]


async def test_moving_the_date_later_locks_more_with_the_same_check(app):
    world = await approved_january("acme")
    await set_lock(world, JAN_31)
    await world.measure("acme", 100, at(10).replace(month=2))
    await create_and_run(world, last_date_in_billing_period=FEB_29)  # February: PENDING
    with pytest.raises(InputErrors) as refused:
        await set_lock(world, FEB_29)
    assert refusal(refused) == [(("input", "billLockDate"), "INVALID_STATE")]
    assert (await lock_date.get_bill_config(world.organization_id)).bill_lock_date == JAN_31

    february = (await world.bills())[1]
    await lifecycle.approve_bills(world.organization_id, [february.id], actor=ACTOR)
    await set_lock(world, FEB_29)
    assert [(d, locked, by_date) for _, d, _, locked, by_date in await state(world)] == [
        (date(2024, 2, 1), True, True),
        (date(2024, 3, 1), True, True),
    ]


async def test_a_stale_version_is_a_conflict_and_changes_nothing(app):
    world = await approved_january("acme")
    await set_lock(world, date(2023, 12, 31))
    with pytest.raises(InputErrors) as stale:
        await set_lock(world, JAN_31, version=1)
    assert refusal(stale) == [(("input", "version"), "CONFLICT")]
    assert not (await world.bill_of("acme")).locked


async def test_bill_jobs_after_the_date_skip_locked_bills_and_create_none_in_the_locked_range(app):
    world = await approved_january("acme")
    bill = await world.bill_of("acme")
    await set_lock(world, JAN_31)
    locked = await world.bill_of("acme")
    await world.measure("acme", 1000, at(10))  # late January usage
    await world.account("initech")  # a new account with January usage, never billed
    await world.measure("initech", 50, at(12))

    job_id = await create_and_run(world, last_date_in_billing_period=JAN_31)
    job = await world.job(job_id)
    assert (job.status, job.failed, job.result_bill_ids) == ("COMPLETE", 0, [])
    after = await world.bill_of("acme")
    assert (after.bill_total, after.version, after.status, after.bill_job_id) == (
        D("125.00"),
        locked.version,
        "APPROVED",
        bill.bill_job_id,
    )
    assert await world.bill_of("initech") is None  # no bill made inside the locked range

    # Unlocked again by moving the date back, the next job picks the late usage up.
    await set_lock(world, None)
    await create_and_run(world, last_date_in_billing_period=JAN_31)
    assert (await world.bill_of("acme")).bill_total == D("225.00")  # 1700 GB: 75 + 120, plus 30
    assert (await world.bill_of("initech")) is not None
    assert (await Bill.get(id=bill.id)).status == "PENDING"


async def test_a_bill_a_writer_is_storing_when_the_date_is_first_set_is_seen_before_the_date_applies(app):
    """A bill job's transaction holds the lock date (shared) while it stores a new PENDING bill
    in the range; setting the date for the first time (no settings row yet) waits for it,
    then sees that bill and is refused, instead of locking around a bill it cannot see."""
    world = await approved_january("acme")
    initech = await world.account("initech")
    async with connection() as writer:
        transaction = writer.transaction()
        await transaction.start()
        assert await lock_date.lock_date_for_share(writer, world.organization_id) is None
        new_bill = await writer.fetchval(
            """INSERT INTO bills (id, organization_id, version, dt_created, dt_last_modified, account_id, account_code,
                   bill_date, due_date, start_date, end_date, billing_frequency, currency, status, locked, bill_total)
               VALUES (gen_random_uuid(), $1, 1, now(), now(), $2, 'initech', '2024-02-01', '2024-03-02',
                   '2024-01-01', '2024-02-01', 'MONTHLY', 'USD', 'PENDING', false, 0)
               RETURNING id""",
            world.organization_id,
            initech.id,
        )
        setting = asyncio.create_task(set_lock(world, JAN_31))
        while not setting.done() and not await waiting_for_the_lock_date(writer):
            await asyncio.sleep(0.01)
        assert not setting.done(), "the date was set while a writer held it"
        await transaction.commit()
    with pytest.raises(InputErrors) as refused:
        await setting
    assert refusal(refused) == [(("input", "billLockDate"), "INVALID_STATE")]
    assert str(new_bill) in refused.value.problems[0].message
    assert not any(b.locked for b in await world.bills())


async def waiting_for_the_lock_date(conn) -> bool:
    await conn.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is a snapshot
    return bool(
        await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact%'"
        )
    )


async def test_recalculations_and_scheduled_runs_skip_bills_the_lock_date_locked(app):
    world = await approved_january("acme")
    await set_lock(world, JAN_31)
    locked = await world.bill_of("acme")
    with pytest.raises(InputErrors) as refused:
        await billing.recalculate_bills(world.organization_id, RecalculateBills([locked.id]), actor=ACTOR, enqueue=None)
    assert refusal(refused) == [(("input", "billIds", "0"), "INVALID_STATE")]

    # A daily schedule at 00:00 UTC: the run of 2024-02-01 00:00 covers January (its window is
    # open until 02-02 00:00), with 1000 GB of late January usage to pick up.
    await world.configure(scheduled_bill_interval=24, scheduled_bill_offset=0)
    await world.measure("acme", 1000, at(10))
    config = await OrganizationConfig.get(organization_id=world.organization_id)
    run = await tick.start_due_run(config, datetime(2024, 2, 1, 10, tzinfo=UTC), enqueue=None)
    assert run is not None
    assert date(2024, 2, 1) in [(await world.job(uuid.UUID(j))).bill_date for j in run.bill_job_ids]
    for job_id in run.bill_job_ids:
        await billing.run_bill_job(world.organization_id, uuid.UUID(job_id))
    after = await Bill.get(id=locked.id)  # the run also makes February's bill, dated 03-01
    assert (after.bill_total, after.version, after.status, after.locked) == (
        D("125.00"),
        locked.version,
        "APPROVED",
        True,
    )
