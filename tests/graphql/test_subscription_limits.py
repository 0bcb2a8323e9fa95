"""Subscriptions are capped (finding 10): each holds a Redis pub/sub connection, so a
connection may run at most MAX_SUBSCRIPTIONS_PER_CONNECTION at once and a principal at
most MAX_SUBSCRIPTIONS_PER_PRINCIPAL over all its connections and API processes; beyond
that a subscription is refused with TOO_MANY_SUBSCRIPTIONS before it starts. A finished
subscription frees its place. Also: operations over websockets count against the
GraphQL rate limits like HTTP ones.

A real `metergraph serve` (tests/graphql/test_websockets.py) and the `websockets` client.
The watched job is a PENDING row that no worker will ever take, so every subscription
stays open until the client completes it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import AsyncExitStack

import websockets

from app import progress
from app.models import billing as m
from tests.graphql.test_websockets import TRANSPORT_WS, _acked, _init, _recv, server  # noqa: F401 - fixture
from tests.http.test_rate_limits import set_limits

PROGRESS = "subscription($id: ID!) { billJobProgress(id: $id) { id status } }"


async def _pending_job(tenant) -> str:
    job = await m.BillJob.create(
        organization_id=uuid.UUID(tenant.organization_id), created_by="test", last_modified_by="test"
    )
    return str(job.id)


async def _connect(stack: AsyncExitStack, server, token: str):  # noqa: F811 - the fixture's value
    ws = await stack.enter_async_context(websockets.connect(server.ws, subprotocols=[TRANSPORT_WS]))
    await ws.send(_init(token))
    await _acked(ws)
    return ws


async def _subscribe(ws, operation_id: str, job_id: str) -> dict:
    await ws.send(
        json.dumps(
            {"id": operation_id, "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"id": job_id}}}
        )
    )
    return await _recv(ws)


def _refusal(message: dict) -> dict:
    """The error of a refused subscription, whichever message carries it."""
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors, message
    return errors[0]


async def test_a_connection_runs_at_most_its_cap(server, tenant):  # noqa: F811
    job = await _pending_job(tenant)
    cap = progress.MAX_SUBSCRIPTIONS_PER_CONNECTION
    async with AsyncExitStack() as stack:
        ws = await _connect(stack, server, tenant.token)
        for n in range(cap):
            message = await _subscribe(ws, str(n), job)
            assert message["type"] == "next" and message["payload"]["data"]["billJobProgress"]["status"] == "PENDING"
        refused = _refusal(await _subscribe(ws, "over", job))
        assert refused["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "scope": "CONNECTION", "limit": cap}
        assert f"at most {cap}" in refused["message"]
        # Another connection of the same principal is under its own cap.
        other = await _connect(stack, server, tenant.token)
        assert (await _subscribe(other, "1", job))["type"] == "next"
        # Completing one frees its place on the first connection.
        await ws.send(json.dumps({"id": "0", "type": "complete"}))
        message = await _subscribe(ws, "again", job)
        while message.get("id") != "again":  # a late message of a refused or completed operation
            message = await _recv(ws)
        assert message["type"] == "next", message


async def test_a_principal_runs_at_most_its_cap_over_all_connections(server, tenant, other_tenant):  # noqa: F811
    job = await _pending_job(tenant)
    per_connection = progress.MAX_SUBSCRIPTIONS_PER_CONNECTION
    cap = progress.MAX_SUBSCRIPTIONS_PER_PRINCIPAL
    async with AsyncExitStack() as stack:
        for n in range(cap):
            if n % per_connection == 0:
                ws = await _connect(stack, server, tenant.token)
            assert (await _subscribe(ws, str(n), job))["type"] == "next"
        fresh = await _connect(stack, server, tenant.token)
        refused = _refusal(await _subscribe(fresh, "over", job))
        assert refused["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "scope": "PRINCIPAL", "limit": cap}
        # Another principal is not affected.
        other_job = await _pending_job(other_tenant)
        elsewhere = await _connect(stack, server, other_tenant.token)
        assert (await _subscribe(elsewhere, "1", other_job))["type"] == "next"
    # Closing the connections releases every place: the principal may subscribe again (the
    # server frees them as it notices the closes, so a refusal may come first).
    async with AsyncExitStack() as stack:
        ws = await _connect(stack, server, tenant.token)
        for attempt in range(50):
            message = await _subscribe(ws, f"after{attempt}", job)
            if message["type"] == "next" and isinstance(message["payload"], dict) and message["payload"].get("data"):
                break
            await asyncio.sleep(0.1)
        assert message["type"] == "next" and message["payload"]["data"], message


async def test_operations_over_websockets_are_rate_limited(server, tenant):  # noqa: F811
    await set_limits(tenant, graphqlPerAccessKey=(1, 2))
    async with AsyncExitStack() as stack:
        ws = await _connect(stack, server, tenant.token)
        for n in range(2):
            assert (await _subscribe_query(ws, str(n)))["type"] == "next"
        refused = _refusal(await _subscribe_query(ws, "over"))
        assert refused["extensions"]["code"] == "RATE_LIMITED"
        assert refused["extensions"]["retryAfter"] >= 1


async def _subscribe_query(ws, operation_id: str) -> dict:
    await ws.send(
        json.dumps({"id": operation_id, "type": "subscribe", "payload": {"query": "{ me { organizationId } }"}})
    )
    message = await _recv(ws)
    if message["type"] == "next":
        assert (await _recv(ws)) == {"id": operation_id, "type": "complete"}
    return message
