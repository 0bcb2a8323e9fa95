"""`system { workers queues }`: live workers from their Redis heartbeats, queue depths;
administrators only.

A real arq worker (long-running, in this event loop) consumes this session's own queue,
so workers and jobs of other test sessions sharing the Redis are not seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
import warnings
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timezone

import pytest_asyncio
from arq.worker import Worker

from app.services import system
from app.services.worker_task import worker_running
from app.settings import load_settings, use_settings
from tests.app_queue import app_enqueuing_on
from tests.conftest import client_token, data_of
from workers.settings import worker_options

QUEUE = f"metergraph:test-system:{uuid.uuid4().hex[:10]}"
SYSTEM = "{ system { workers { id host pid startedAt lastSeenAt jobsDone } queues { name depth oldestAgeSeconds } } }"


@pytest_asyncio.fixture
async def system_queue(app) -> AsyncIterator[str]:
    """The app enqueues on, and `system` reports, this session's own queue."""
    async with app_enqueuing_on(app, QUEUE):
        yield QUEUE


@contextlib.asynccontextmanager
async def running_worker() -> AsyncIterator[Worker]:
    worker = Worker(
        **worker_options(
            queue_name=QUEUE, handle_signals=False, cron_jobs=None, poll_delay=0.05, ctx={"db_ready": "external"}
        )
    )
    async with worker_running(worker):
        yield worker


async def read_only_token(tenant) -> str:
    policies = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    read_only = next(p["id"] for p in policies if p["name"] == "ReadOnly")
    user = data_of(
        await tenant.gql(
            """mutation($input: CreateServiceUserInput!) { createServiceUser(input: $input) {
      serviceUser { id } } }""",
            {"input": {"name": "reader", "permissionPolicyIds": [read_only]}},
        )
    )
    key = data_of(
        await tenant.gql(
            """mutation($id: ID!) { createAccessKey(input: {serviceUserId: $id}) {
      accessKey { accessKeyId } apiSecret } }""",
            {"id": user["createServiceUser"]["serviceUser"]["id"]},
        )
    )
    key = key["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    return response.json()["access_token"]


async def until_jobs_done(tenant, count: int) -> dict:
    deadline = time.monotonic() + 30
    while True:
        found = data_of(await tenant.gql(SYSTEM))["system"]
        if any(w["pid"] == os.getpid() and w["jobsDone"] >= count for w in found["workers"]):
            return found
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.05)


async def test_admin_sees_a_live_worker_with_jobs_done_and_queue_depths(app, tenant, system_queue):
    before = datetime.now(UTC)
    # Queued before any worker runs: one ingest batch's job id and one bill-job helper.
    await app.state.arq.enqueue_job("ping_worker", "batch", _job_id=f"measurement-batch:{uuid.uuid4()}")
    await app.state.arq.enqueue_job("ping_worker", "bill")
    await asyncio.sleep(0.2)
    queued = data_of(await tenant.gql(SYSTEM))["system"]
    assert queued["workers"] == []
    assert {q["name"]: q["depth"] for q in queued["queues"]} == {"ingest": 1, "billJobs": 1}
    assert all(q["oldestAgeSeconds"] >= 0.2 for q in queued["queues"]), queued

    async with running_worker():
        found = await until_jobs_done(tenant, 2)
        [worker] = found["workers"]
        assert (worker["host"], worker["pid"], worker["jobsDone"]) == (socket.gethostname(), os.getpid(), 2)
        started, seen = (datetime.fromisoformat(worker[k]) for k in ("startedAt", "lastSeenAt"))
        assert before <= started <= seen <= datetime.now(UTC)
        assert found["queues"] == [
            {"name": "ingest", "depth": 0, "oldestAgeSeconds": None},
            {"name": "billJobs", "depth": 0, "oldestAgeSeconds": None},
        ]
        await app.state.arq.enqueue_job("ping_worker", "again")
        assert (await until_jobs_done(tenant, 3))["workers"][0]["id"] == worker["id"]
    # A worker that stops says goodbye: it is gone at once, not after the heartbeat's TTL.
    assert data_of(await tenant.gql(SYSTEM))["system"]["workers"] == []


async def test_a_silent_worker_disappears_when_its_heartbeat_expires(app, system_queue):
    beat = system.WorkerHeartbeat.for_this_process()
    await system.write_heartbeat(app.state.redis, QUEUE, beat)
    assert [w.id for w in await system.live_workers(app.state.redis, QUEUE)] == [beat.id]
    assert 0 < await app.state.redis.ttl(f"metergraph:workers:{QUEUE}:{beat.id}") <= system.HEARTBEAT_TTL_SECONDS
    await app.state.redis.pexpire(f"metergraph:workers:{QUEUE}:{beat.id}", 1)
    await asyncio.sleep(0.05)
    assert await system.live_workers(app.state.redis, QUEUE) == []


async def test_system_is_for_administrators_only(tenant, system_queue):
    token = await read_only_token(tenant)
    # ReadOnly reads every configuration and measurement; not this (queues alone, too).
    for document in (SYSTEM, "{ system { queues { name depth } } }"):
        result = await tenant.gql(document, token=token)
        assert result["data"] is None and result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
    anonymous = await tenant.gql(SYSTEM, token="")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", anonymous


async def test_system_is_for_the_operators_organizations_only(settings, tenant, other_tenant, system_queue):
    # Queue depths and workers' jobs done tell one tenant how busy the others are: an
    # administrator whose organization is not an operator of the deployment is refused.
    use_settings(replace(settings, operator_organizations=(str(tenant.organization_id),)))
    try:
        assert data_of(await tenant.gql(SYSTEM))["system"]["queues"][0]["name"] == "ingest"
        refused = await other_tenant.gql(SYSTEM)
        assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
        assert "METERGRAPH_OPERATOR_ORGANIZATIONS" in refused["errors"][0]["message"]
        use_settings(replace(settings, operator_organizations=()))  # the default: nobody's
        assert (await tenant.gql(SYSTEM))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        use_settings(settings)


def test_operator_organizations_come_from_the_environment(monkeypatch, tmp_path):
    org = uuid.uuid4()
    monkeypatch.setenv("METERGRAPH_OPERATOR_ORGANIZATIONS", f" {str(org).upper()} , ")
    loaded = load_settings(tmp_path)
    assert loaded.is_operator(org) and not loaded.is_operator(uuid.uuid4())
    monkeypatch.setenv("METERGRAPH_OPERATOR_ORGANIZATIONS", "*")
    assert load_settings(tmp_path).is_operator(uuid.uuid4())
    monkeypatch.delenv("METERGRAPH_OPERATOR_ORGANIZATIONS")
    assert not load_settings(tmp_path).is_operator(org)
