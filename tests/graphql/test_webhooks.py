"""Webhooks through the public API and a real arq worker (SEMANTICS §14.3–14.4, CONTRACT §5).

The receiver is the real HTTP server of `tests.services.test_webhooks` on 127.0.0.1; the
worker is an in-process burst arq worker on this session's own queue; the dispatcher is
the one a long-running worker runs, LISTENing on `metergraph_events`.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from tortoise.transactions import in_transaction

from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookDestination
from app.services import webhooks
from app.services.events import NewEvent, record_events
from tests.conftest import data_of
from tests.services.test_webhooks import Receiver, allow_private, receiver  # noqa: F401 - fixtures
from tests.workers import INGEST_QUEUE, ingest_queue, run_burst_worker  # noqa: F401 - fixture

ERRORS = "userErrors { field code message }"
DESTINATION = "id version name url eventTypes active description disabledReason previousSecretExpiresAt"
CREATE = f"""mutation($input: CreateWebhookDestinationInput!) {{ createWebhookDestination(input: $input) {{
  webhookDestination {{ {DESTINATION} }} secret {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateWebhookDestinationInput!) {{ updateWebhookDestination(input: $input) {{
  webhookDestination {{ {DESTINATION} }} {ERRORS} }} }}"""
ROTATE = f"""mutation($input: RotateWebhookSecretInput!) {{ rotateWebhookSecret(input: $input) {{
  webhookDestination {{ id version previousSecretExpiresAt }} secret {ERRORS} }} }}"""
DELETE = f"""mutation($input: DeleteInput!) {{ deleteWebhookDestination(input: $input) {{ deletedId {ERRORS} }} }}"""
DELIVERIES = """query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f, first: 100) { totalCount nodes {
  id eventId destinationId eventType status attempts redelivery
  attemptLog { attemptNumber responseStatus error responseExcerpt durationMs } } } }"""


async def create(tenant, **fields) -> dict:
    payload = data_of(await tenant.gql(CREATE, {"input": {"name": "Hooks", **fields}}))["createWebhookDestination"]
    assert payload["userErrors"] == [], payload
    return payload


def errors(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def commit_events(organization_id, *types: str) -> list[uuid.UUID]:
    batch = [NewEvent(type=t, entity_type="bill", entity_id=uuid.uuid4(), payload={"new": {}}) for t in types]
    async with in_transaction() as connection:
        await record_events(connection, uuid.UUID(organization_id), batch)
    return [e.id for e in batch]


async def test_create_returns_the_secret_once_and_reads_never_show_it(tenant, allow_private, receiver):
    created = await create(tenant, url=receiver.url, eventTypes=["billing.*"], description="ERP")
    secret, destination = created["secret"], created["webhookDestination"]
    assert secret.startswith("whsec_") and len(secret) == 6 + 44
    assert (destination["active"], destination["eventTypes"], destination["version"]) == (True, ["billing.*"], 1)
    read = data_of(
        await tenant.gql(
            "query($id: ID!) { webhookDestination(id: $id) { id name } webhookDestinations { totalCount } }",
            {"id": destination["id"]},
        )
    )
    assert read["webhookDestination"]["name"] == "Hooks" and read["webhookDestinations"]["totalCount"] == 1
    assert secret[6:] not in repr(read)
    # The configuration event carries the destination without any secret.
    events = data_of(
        await tenant.gql(
            '{ events(filter: {types: ["configuration.webhookdestination.*"]}) { nodes { type payload } } }'
        )
    )["events"]["nodes"]
    assert [e["type"] for e in events] == ["configuration.webhookdestination.created"]
    assert "secret" not in repr(events[0]["payload"]).lower() and secret[6:] not in repr(events)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"url": "http://hooks.example.com/in"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://user:pw@hooks.example.com/in"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://10.1.2.3/in"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://[::1]/in"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://169.254.169.254/latest"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://hooks.example.com/" + "a" * 2030}, [(["input", "url"], "INVALID")]),
        ({"url": "ftp://hooks.example.com/in"}, [(["input", "url"], "INVALID")]),
        ({"url": "https://hooks.example.com/in", "name": ""}, [(["input", "name"], "INVALID")]),
        (
            {"url": "https://hooks.example.com/in", "eventTypes": ["billing.*", "Bad Type"]},
            [(["input", "eventTypes", "1"], "INVALID")],
        ),
        (
            {"url": "https://hooks.example.com/in", "eventTypes": [f"t.e{i}" for i in range(101)]},
            [(["input", "eventTypes"], "INVALID")],
        ),
    ],
)
async def test_bad_input_is_refused_with_its_path_and_nothing_written(tenant, fields, expected):
    payload = data_of(await tenant.gql(CREATE, {"input": {"name": "Hooks", **fields}}))["createWebhookDestination"]
    assert errors(payload) == expected
    assert (payload["webhookDestination"], payload["secret"]) == (None, None)
    assert await WebhookDestination.filter(organization_id=tenant.organization_id).count() == 0


async def test_http_and_private_targets_are_accepted_only_where_allowed(tenant, allow_private, receiver):
    created = await create(tenant, url=receiver.url)
    assert created["webhookDestination"]["url"].startswith("http://127.0.0.1:")


async def test_update_rotate_delete(tenant, allow_private, receiver):
    created = (await create(tenant, url=receiver.url))["webhookDestination"]
    stale = data_of(await tenant.gql(UPDATE, {"input": {"id": created["id"], "version": 9, "name": "x"}}))
    assert errors(stale["updateWebhookDestination"]) == [(["input", "version"], "CONFLICT")]
    updated = data_of(
        await tenant.gql(UPDATE, {"input": {"id": created["id"], "version": 1, "eventTypes": ["billing.bill.locked"]}})
    )["updateWebhookDestination"]["webhookDestination"]
    assert (updated["version"], updated["eventTypes"], updated["name"]) == (2, ["billing.bill.locked"], "Hooks")
    rotated = data_of(await tenant.gql(ROTATE, {"input": {"id": created["id"], "version": 2}}))["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_") and rotated["webhookDestination"]["previousSecretExpiresAt"]
    gone = data_of(await tenant.gql(DELETE, {"input": {"id": created["id"], "version": 3}}))["deleteWebhookDestination"]
    assert gone == {"deletedId": created["id"], "userErrors": []}
    types = await _event_types(tenant)
    assert types == [f"configuration.webhookdestination.{a}" for a in ("created", "updated", "updated", "deleted")]


async def _event_types(tenant) -> list[str]:
    query = (
        '{ events(first: 100, filter: {types: ["configuration.webhookdestination.*"]}) { nodes { type occurredAt } } }'
    )
    nodes = data_of(await tenant.gql(query))["events"]["nodes"]
    return [n["type"] for n in sorted(nodes, key=lambda n: n["occurredAt"])]


async def test_the_worker_delivers_every_committed_event_woken_by_the_notification(
    tenant, allow_private, receiver, ingest_queue, app
):
    """The dispatcher LISTENs; a commit wakes it, it makes the deliveries and enqueues the
    delivery job on the session's queue; a burst worker sends them; the log shows them."""
    created = await create(tenant, url=receiver.url, eventTypes=["billing.*"])
    receiver.secrets = [created["secret"]]
    enqueued: list[str] = []

    async def enqueue(org):
        enqueued.append(str(org))
        await ingest_queue.enqueue_job("deliver_webhooks", str(org), _queue_name=INGEST_QUEUE)

    from app.settings import get_settings

    # A long sweep interval: only the notification can wake it within the test.
    dispatcher = webhooks.Dispatcher(get_settings().database_url, enqueue, sweep_seconds=3600)
    dispatcher.start()
    try:
        await asyncio.wait_for(dispatcher.listening.wait(), 60)
        committed = await commit_events(tenant.organization_id, *["billing.bill.created"] * 20)
        for _ in range(600):
            if await WebhookDelivery.filter(organization_id=tenant.organization_id).count() == 20:
                break
            await asyncio.sleep(0.05)
    finally:
        await dispatcher.stop()
    assert tenant.organization_id in enqueued
    await run_burst_worker()
    failed = await WebhookAttempt.filter(organization_id=tenant.organization_id, error__isnull=False).values_list(
        "error", flat=True
    )
    assert sorted(receiver.ids()) == sorted(str(i) for i in committed), failed
    assert all(r.verifies(created["secret"]) for r in receiver.received)
    log = data_of(await tenant.gql(DELIVERIES, {"f": {"status": "SUCCEEDED"}}))["webhookDeliveries"]
    assert log["totalCount"] == 20
    assert {(n["attempts"], n["attemptLog"][0]["responseStatus"]) for n in log["nodes"]} == {(1, 200)}


async def test_redeliver_through_the_api(tenant, allow_private, receiver, ingest_queue):
    created = await create(tenant, url=receiver.url, eventTypes=["billing.*"])
    [event_id] = await commit_events(tenant.organization_id, "billing.bill.approved")
    await webhooks.dispatch_organization(uuid.UUID(tenant.organization_id))
    query = f"""mutation($input: RedeliverWebhookInput!) {{ redeliverWebhook(input: $input) {{
      webhookDelivery {{ eventId status redelivery }} {ERRORS} }} }}"""
    destination_id = created["webhookDestination"]["id"]
    again = data_of(await tenant.gql(query, {"input": {"eventId": str(event_id), "destinationId": destination_id}}))
    assert again["redeliverWebhook"] == {
        "webhookDelivery": {"eventId": str(event_id), "status": "PENDING", "redelivery": 1},
        "userErrors": [],
    }
    unknown = data_of(
        await tenant.gql(query, {"input": {"eventId": str(uuid.uuid4()), "destinationId": destination_id}})
    )
    assert errors(unknown["redeliverWebhook"]) == [(["input", "eventId"], "NOT_FOUND")]
    await run_burst_worker()  # the mutation enqueued the delivery job
    assert receiver.ids() == [str(event_id)] * 2
    log = data_of(await tenant.gql(DELIVERIES, {"f": {"eventId": str(event_id)}}))["webhookDeliveries"]
    assert sorted((n["redelivery"], n["status"]) for n in log["nodes"]) == [(0, "SUCCEEDED"), (1, "SUCCEEDED")]


async def test_send_test_webhook(tenant, allow_private, receiver):
    created = await create(tenant, url=receiver.url)
    query = f"""mutation($id: ID!) {{ sendTestWebhook(input: {{id: $id}}) {{
      result {{ succeeded responseStatus error }} {ERRORS} }} }}"""
    result = data_of(await tenant.gql(query, {"id": created["webhookDestination"]["id"]}))["sendTestWebhook"]
    assert result == {"result": {"succeeded": True, "responseStatus": 200, "error": None}, "userErrors": []}
    assert receiver.received[0].verifies(created["secret"])
