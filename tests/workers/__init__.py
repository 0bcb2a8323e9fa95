"""Helpers shared by the ingest tests (HTTP, workers, GraphQL usage).

Isolation in a shared Redis: every test session enqueues ingest jobs on its own arq
queue (`INGEST_QUEUE`, a random name) instead of `metergraph:queue`, by switching the
app's enqueuing client for the duration of a test (`ingest_queue` fixture), and runs its
burst workers on that queue only. So a test never takes another session's jobs, and
"losing" Redis is simulated by deleting only this queue's keys, never FLUSHDB.
"""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from arq.worker import Worker

from app.models.catalog import Meter
from app.services.ingest import job_id
from workers.settings import worker_options

INGEST_QUEUE = f"metergraph:test-ingest:{uuid.uuid4().hex[:10]}"

DATA_FIELDS = [
    {"category": "WHO", "code": "region", "name": "Region"},
    {"category": "WHAT", "code": "tier", "name": "Tier"},
    {"category": "MEASURE", "code": "gb", "name": "Gigabytes", "unit": "GB"},
    {"category": "MEASURE", "code": "divisor", "name": "Divisor"},
    {"category": "METADATA", "code": "note", "name": "Note"},
]
DERIVED_FIELDS = [
    {"category": "COST", "code": "cost", "name": "Cost", "unit": "USD", "calculation": "gb * 0.25"},
    {"category": "MEASURE", "code": "share", "name": "Share", "calculation": "gb / divisor"},
]


async def make_meter(
    organization_id: Any, code: str = "storage", data_fields: list | None = None, derived_fields: list | None = None
) -> Meter:
    return await Meter.create(
        organization_id=organization_id,
        code=code,
        name=code.title(),
        data_fields=DATA_FIELDS if data_fields is None else data_fields,
        derived_fields=DERIVED_FIELDS if derived_fields is None else derived_fields,
    )


async def post_measurements(
    tenant: Any,
    measurements: list[dict] | None = None,
    *,
    body: bytes | None = None,
    token: str | None = None,
    organization_id: str | None = None,
    auth: bool = True,
):
    payload = body if body is not None else json.dumps({"measurements": measurements}).encode()
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = f"Bearer {token or tenant.token}"
    return await tenant.client.post(
        f"/organizations/{organization_id or tenant.organization_id}/measurements", content=payload, headers=headers
    )


async def accepted_batch(tenant: Any, measurements: list[dict]) -> uuid.UUID:
    response = await post_measurements(tenant, measurements)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "accepted"
    return uuid.UUID(response.json()["batchId"])


async def run_burst_worker(**overrides: Any) -> Worker:
    """Process everything on INGEST_QUEUE with a real arq worker in this event loop
    (Tortoise is already initialised by the app fixture: the worker must not own it)."""
    options = worker_options(
        burst=True, poll_delay=0.05, queue_name=INGEST_QUEUE, handle_signals=False, ctx={"db_ready": "external"}
    )
    options.update(overrides)
    worker = Worker(**options)
    try:
        await worker.main()
    finally:
        with warnings.catch_warnings():  # arq 0.28 closes its pool with redis' deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
    return worker


async def forget_jobs(redis: Any, batch_ids: list[uuid.UUID]) -> None:
    """What losing Redis does to accepted batches: their jobs and the queue vanish."""
    await redis.delete(
        INGEST_QUEUE,
        *[f"arq:job:{job_id(b)}" for b in batch_ids],
        *[f"arq:in-progress:{job_id(b)}" for b in batch_ids],
        *[f"arq:retry:{job_id(b)}" for b in batch_ids],
    )


@pytest_asyncio.fixture
async def ingest_queue(app) -> AsyncIterator[Any]:
    """The app enqueues ingest jobs on this session's own queue during the test."""
    client = app.state.arq
    previous = client.default_queue_name
    client.default_queue_name = INGEST_QUEUE
    try:
        yield client
    finally:
        client.default_queue_name = previous
        await client.delete(INGEST_QUEUE)
