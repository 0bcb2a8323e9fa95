"""Bill-job progress over real Redis pub/sub (app.progress): subscribe first, then the row,
then newer updates until a terminal status, with a cap on the stream's life."""

from __future__ import annotations

import asyncio

from app import progress
from app.models.billing import BillJob
from app.services import billing
from app.services.billing import claims, run
from app.services.billing.commands import CreateBillJob
from tests.services import ACTOR, BILL_DATE, new_world


async def _job(world) -> BillJob:
    return await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )


def _loader(job: BillJob):
    async def load_row():
        return await BillJob.filter(organization_id=job.organization_id, id=job.id).first()

    return load_row


async def test_a_published_message_reaches_a_subscriber(app):
    world = await new_world()
    job = await _job(world)
    async with await progress.subscribe_progress(app.state.redis, job.id) as subscription:
        await progress.publish_progress(app.state.redis, job)
        message = await subscription.next(timeout=5)
    assert message == {
        "id": str(job.id),
        "status": "PENDING",
        "total": 0,
        "pending": 0,
        "failed": 0,
        "billCount": 0,
        "version": 1,
    }


async def test_a_subscriber_gets_the_row_then_every_change_until_complete(app, monkeypatch):
    monkeypatch.setattr(claims, "CHUNK_SIZE", 1)
    real_work_on = run.work_on

    async def slow_work_on(*args, **options):
        await asyncio.sleep(0.1)  # time for the subscriber to read each update
        return await real_work_on(*args, **options)

    monkeypatch.setattr(run, "work_on", slow_work_on)
    world = await new_world()
    for code in ("a", "b", "c"):
        await world.account(code)
    job = await _job(world)
    redis = app.state.redis
    seen: list[tuple[str, int, int]] = []
    runner: asyncio.Task | None = None
    async for row in progress.job_updates(redis, _loader(job), job.id, max_seconds=30, poll_seconds=30):
        seen.append((row.status, row.pending, row.version))
        if runner is None:  # the first row is sent before the job starts
            runner = asyncio.create_task(billing.run_bill_job(world.organization_id, job.id, redis=redis))
    await runner
    assert seen[0] == ("PENDING", 0, 1)
    assert seen[-1][0] == "COMPLETE"
    versions = [v for _, _, v in seen]
    assert versions == sorted(set(versions))  # each state once, in order
    assert [(s, p) for s, p, _ in seen if s == "RUNNING"] == [
        ("RUNNING", 3),
        ("RUNNING", 2),
        ("RUNNING", 1),
        ("RUNNING", 0),
    ]  # counters after each chunk


async def test_a_late_subscriber_gets_the_terminal_state_and_the_stream_ends(app):
    world = await new_world()
    job = await _job(world)
    await billing.run_bill_job(world.organization_id, job.id)
    rows = [row async for row in progress.job_updates(app.state.redis, _loader(job), job.id, max_seconds=30)]
    assert [r.status for r in rows] == ["COMPLETE"]


async def test_without_messages_the_row_is_read_again_and_the_stream_is_capped(app):
    world = await new_world()
    await world.account("acme")
    job = await _job(world)
    redis = app.state.redis
    # Nobody runs the job: the stream sends the row and stops at its cap.
    rows = [row async for row in progress.job_updates(redis, _loader(job), job.id, max_seconds=0.3, poll_seconds=0.1)]
    assert [r.status for r in rows] == ["PENDING"]
    # The job runs without publishing (lost messages): polling still sees the end.
    statuses = []
    async for row in progress.job_updates(redis, _loader(job), job.id, max_seconds=30, poll_seconds=0.1):
        statuses.append(row.status)
        if len(statuses) == 1:
            asyncio.get_running_loop().create_task(billing.run_bill_job(world.organization_id, job.id))
    assert statuses[0] == "PENDING" and statuses[-1] == "COMPLETE"


async def test_an_unknown_job_ends_the_stream_at_once(app):
    async def missing():
        return None

    assert [row async for row in progress.job_updates(app.state.redis, missing, "nope", max_seconds=30)] == []
