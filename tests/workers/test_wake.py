"""Waking idle workers (`app.services.queue_wake`, `workers.wake.WakeableWorker`).

The worker here polls only once a minute, so every job it takes within the tests'
timeouts was taken because it was woken. The control (`test_without_a_wake_the_job_waits
_for_the_poll`) shows the same worker leaving a job queued when nobody wakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import warnings
from collections.abc import AsyncIterator

import pytest_asyncio
from arq.jobs import JobStatus

from app.services.queue_wake import wake_channel, wake_workers
from app.services.worker_task import worker_running
from tests.app_queue import app_enqueuing_on
from tests.conftest import data_of
from workers.settings import worker_options
from workers.wake import WakeableWorker

QUEUE = f"metergraph:test-wake:{uuid.uuid4().hex[:10]}"
IDLE_POLL_SECONDS = 60.0


@pytest_asyncio.fixture
async def queue(app) -> AsyncIterator:
    """The app's queue client, enqueuing on this module's own queue."""
    async with app_enqueuing_on(app, QUEUE) as client:
        yield client


@contextlib.asynccontextmanager
async def listening_worker(client) -> AsyncIterator[WakeableWorker]:  # noqa: ANN001 - ArqRedis
    worker = WakeableWorker(
        **worker_options(
            queue_name=QUEUE,
            handle_signals=False,
            cron_jobs=None,
            poll_delay=IDLE_POLL_SECONDS,
            ctx={"db_ready": "external"},
        )
    )
    async with worker_running(worker):
        for _ in range(200):  # until its listener has subscribed
            if (await client.pubsub_numsub(wake_channel(QUEUE)))[0][1]:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the worker never listened on its wake channel")
        yield worker


async def test_a_woken_worker_takes_the_job_before_its_poll(queue):
    async with listening_worker(queue):
        job = await queue.enqueue_job("ping_worker", "woken")
        await wake_workers(queue)
        assert await job.result(timeout=20) == "woken"


async def test_without_a_wake_the_job_waits_for_the_poll(queue):
    async with listening_worker(queue):
        job = await queue.enqueue_job("ping_worker", "not woken")
        await asyncio.sleep(1.0)
        assert await job.status() == JobStatus.queued
        await wake_workers(queue)
        assert await job.result(timeout=20) == "not woken"


async def test_the_worker_listens_again_after_losing_its_channel(queue):
    async with listening_worker(queue) as worker:
        assert worker._listener is not None
        # Kill the listener's connection from Redis' side, as a Redis restart would.
        clients = await queue.client_list()
        listeners = [c for c in clients if "subscribe" in c.get("cmd", "") and int(c.get("sub", 0)) > 0]
        assert listeners
        for listener in listeners:
            with contextlib.suppress(Exception):
                await queue.client_kill_filter(_id=listener["id"])
        for _ in range(100):  # listening again within RELISTEN_SECONDS
            await asyncio.sleep(0.05)
            if (await queue.pubsub_numsub(wake_channel(QUEUE)))[0][1]:
                break
        job = await queue.enqueue_job("ping_worker", "again")
        await wake_workers(queue)
        assert await job.result(timeout=20) == "again"


async def test_a_bill_job_asked_for_through_the_api_wakes_the_workers(queue, tenant):
    async with listening_worker(queue):
        created = data_of(
            await tenant.gql(
                """mutation { createBillJob(input: {lastDateInBillingPeriod: "2026-01-31"}) {
              billJob { id } userErrors { field message } } }"""
            )
        )["createBillJob"]
        assert created["userErrors"] == []
        job_id = created["billJob"]["id"]
        for _ in range(400):
            status = data_of(await tenant.gql("query($id: ID!) { billJob(id: $id) { status } }", {"id": job_id}))
            if status["billJob"]["status"] == "COMPLETE":
                break
            await asyncio.sleep(0.05)
        assert status["billJob"]["status"] == "COMPLETE"
