"""WebSockets re-authorize (issue 11, finding 6): a real `metergraph serve` (its own Redis,
no worker, so a bill job stays PENDING and its subscription stays open), real websocket
clients over both protocols.

After the connection's key is deactivated, its policy detached or its token expired, the
running subscription ends with an error and a new one on the same socket is refused.
Before the fix the socket kept the principal of `connection_init` for its whole life.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timezone

import pytest

from app.auth.tokens import issue_token, verify_token
from tests.conftest import Tenant, client_token, data_of
from tests.graphql.test_bill_subscription import PROGRESS, http, live, live_tenant  # noqa: F401 - fixtures
from tests.graphql.test_websockets import LEGACY_WS, TRANSPORT_WS, _acked, _init, _recv
from tests.scenarios import CREATE_BILL_JOB, Story

ERRORS = "userErrors { field code message }"
# The server re-checks a quiet subscription every 5 s; generous for a loaded machine.
WAIT = 40


async def pending_job(tenant: Tenant) -> str:
    made = await Story(tenant).ok(CREATE_BILL_JOB, {"input": {"billDate": "2026-02-01"}}, "createBillJob")
    return made["billJob"]["id"]


async def robot(tenant: Tenant) -> dict:
    """A service user with the Administrator policy, its key and a token, all on the live server."""
    admin = {
        p["name"]: p["id"]
        for p in data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"][
            "nodes"
        ]
    }["Administrator"]
    made = data_of(
        await tenant.gql(
            f"""mutation($input: CreateServiceUserInput!) {{ createServiceUser(input: $input) {{
      serviceUser {{ id }} {ERRORS} }} }}""",
            {"input": {"name": f"ws-{uuid.uuid4().hex[:6]}", "permissionPolicyIds": [admin]}},
        )
    )
    user_id = made["createServiceUser"]["serviceUser"]["id"]
    key = data_of(
        await tenant.gql(
            f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ id version accessKeyId }} apiSecret {ERRORS} }} }}""",
            {"id": user_id},
        )
    )["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    assert response.status_code == 200, response.text
    return {"id": user_id, "policy": admin, "key": key["accessKey"], "token": response.json()["access_token"]}


async def start(ws, protocol: str, job_id: str, op: str) -> None:
    kind = "subscribe" if protocol == TRANSPORT_WS else "start"
    await ws.send(json.dumps({"id": op, "type": kind, "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))


async def connected(live, token: str, protocol: str):  # noqa: ANN201 - an open websocket
    import websockets

    ws = await websockets.connect(live.server.ws, subprotocols=[protocol])
    await ws.send(_init(token))
    await _acked(ws)
    return ws


async def pending_state(ws) -> None:
    first = await asyncio.wait_for(_recv(ws), WAIT)
    assert first["type"] in ("next", "data"), first
    assert first["payload"]["data"]["billJobProgress"]["status"] == "PENDING", first


async def refusal(ws, op: str) -> list[str]:
    """The error codes the operation ends with; it must send no data before them."""
    codes: list[str] = []
    while True:
        message = await asyncio.wait_for(_recv(ws), WAIT)
        assert message.get("id") == op, message
        if message["type"] == "complete":
            return codes
        payload = message["payload"]
        # transport-ws "error": a list; graphql-ws "error": one error; "next"/"data": a result.
        if isinstance(payload, list):
            errors = payload
        else:
            errors = [payload] if "extensions" in payload else payload.get("errors") or []
        assert errors and not (isinstance(payload, dict) and payload.get("data")), message
        codes += [e.get("extensions", {}).get("code") for e in errors]
        if message["type"] == "error":  # graphql-transport-ws: an operation refused before it ran ends here
            return codes


async def deactivate(tenant: Tenant, bot: dict) -> None:
    changed = data_of(
        await tenant.gql(
            f"""mutation($input: UpdateAccessKeyInput!) {{ updateAccessKey(input: $input) {{
      accessKey {{ status }} {ERRORS} }} }}""",
            {"input": {"id": bot["key"]["id"], "version": bot["key"]["version"], "status": "INACTIVE"}},
        )
    )
    assert changed["updateAccessKey"]["accessKey"]["status"] == "INACTIVE", changed


async def detach(tenant: Tenant, bot: dict) -> None:
    attachment = {"policyId": bot["policy"], "principalType": "SERVICE_USER", "principalId": bot["id"]}
    detached = data_of(
        await tenant.gql(
            f"""mutation($input: PolicyAttachmentInput!) {{
      detachPermissionPolicy(input: $input) {{ {ERRORS} }} }}""",
            {"input": attachment},
        )
    )
    assert detached["detachPermissionPolicy"]["userErrors"] == [], detached


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("change, code", [(deactivate, "UNAUTHENTICATED"), (detach, "FORBIDDEN")])
async def test_a_change_of_the_principal_stops_its_subscriptions(live, http, app, protocol, change, code):  # noqa: F811
    tenant = await live_tenant(http, "Sockets")
    job_id, bot = await pending_job(tenant), await robot(tenant)
    ws = await connected(live, bot["token"], protocol)
    try:
        await start(ws, protocol, job_id, "before")
        await pending_state(ws)
        await change(tenant, bot)
        assert await refusal(ws, "before") == [code]
        await start(ws, protocol, job_id, "after")
        assert await refusal(ws, "after") == [code]
    finally:
        await ws.close()


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_an_expired_token_stops_its_subscriptions(live, http, app, settings, protocol):  # noqa: F811
    tenant = await live_tenant(http, "Expiring")
    job_id = await pending_job(tenant)
    claims = verify_token(settings.secret_key, tenant.token)
    short = issue_token(
        settings.secret_key,
        organization_id=claims.organization_id,
        principal_type=claims.principal_type,
        principal_id=claims.principal_id,
        access_key_id=claims.access_key_id,
        now=datetime.now(UTC),
        lifetime_seconds=3,
        generation=0,
    )
    ws = await connected(live, short, protocol)
    try:
        await start(ws, protocol, job_id, "before")
        await pending_state(ws)
        assert await refusal(ws, "before") == ["UNAUTHENTICATED"]
        await start(ws, protocol, job_id, "after")
        assert await refusal(ws, "after") == ["UNAUTHENTICATED"]
    finally:
        await ws.close()
