"""Webhooks across tenants: the checks `test_tenant_isolation.CHECKS` runs for every webhook
root field (imported there; this module has no tests of its own).

A's world gets one destination (made through A's API by `build_webhooks`, which
`isolation.world.build_a` calls) and one delivery of its `created` event. B, with its own
Administrator token, lists, reads, changes, rotates, tests and redelivers naming A's ids:
it sees nothing of A's and every mutation answers NOT_FOUND, leaving A's destination at
its version with its secret.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookDestination
from app.services.webhooks import dispatch_organization
from tests.conftest import Tenant, data_of
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import World, accepted, mutation, not_found

DESTINATION = "id version name url eventTypes active"


async def build_webhooks(a: Tenant) -> dict[str, dict[str, Any]]:
    """A's destination (through A's API) and the delivery of its `created` event, with one
    logged attempt (a timeout) so the attempt log has a row to hide."""
    document = mutation(
        "createWebhookDestination", "CreateWebhookDestinationInput", f"webhookDestination {{ {DESTINATION} }} secret"
    )
    answer = data_of(await a.gql(document, {"input": {"name": "A hooks", "url": "https://hooks.a.example.com/in"}}))
    destination = accepted(answer["createWebhookDestination"])["webhookDestination"]
    org = uuid.UUID(a.organization_id)
    await dispatch_organization(org)
    delivery = await WebhookDelivery.get(organization_id=org, destination_id=destination["id"])
    now = datetime.now(UTC)
    await WebhookAttempt.create(
        organization_id=org,
        delivery_id=delivery.id,
        event_id=delivery.event_id,
        destination_id=delivery.destination_id,
        attempt_number=1,
        sent_at=now,
        duration_ms=15000,
        error="TIMEOUT: no complete answer within 15 s",
        next_attempt_at=now + timedelta(days=365),
    )
    await WebhookDelivery.filter(id=delivery.id).update(attempts=1, next_attempt_at=now + timedelta(days=365))
    return {
        "webhookDestination": destination,
        "webhookDelivery": {"id": str(delivery.id), "eventId": str(delivery.event_id)},
    }


async def a_destination(w: World) -> dict[str, Any]:
    """A's destination, with `eventId` and `deliveryId` of its delivery."""
    delivery = w.a_has["webhookDelivery"]
    return {**w.a_has["webhookDestination"], "eventId": delivery["eventId"], "deliveryId": delivery["id"]}


async def _unchanged(w: World, before: dict[str, Any]) -> None:
    row = await WebhookDestination.get(id=before["id"])
    assert (str(row.organization_id), row.version, row.url, row.active) == (
        w.ids["a_org"],
        before["version"],
        before["url"],
        True,
    )


async def q_webhook_destinations(w: World) -> None:
    a = await a_destination(w)
    listed = await w.as_b(f"{{ webhookDestinations {{ totalCount nodes {{ {DESTINATION} }} }} }}")
    assert a["id"] not in repr(listed) and listed["webhookDestinations"]["totalCount"] == 0


async def q_webhook_destination(w: World) -> None:
    a = await a_destination(w)
    found = await w.as_b("query($id: ID!) { webhookDestination(id: $id) { id } }", {"id": a["id"]})
    assert found == {"webhookDestination": None}


async def q_webhook_deliveries(w: World) -> None:
    a = await a_destination(w)
    query = "query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f) { totalCount nodes { id eventId } } }"
    mine = (await w.as_a(query, {"f": {"destinationId": a["id"]}}))["webhookDeliveries"]
    assert mine["totalCount"] == 1  # A sees its own
    for flt in (None, {"destinationId": a["id"]}, {"eventId": a["eventId"]}, {"status": "PENDING"}):
        listed = (await w.as_b(query, {"f": flt}))["webhookDeliveries"]
        assert listed["totalCount"] == 0 and a["deliveryId"] not in repr(listed), flt


async def m_create_webhook_destination(w: World) -> None:
    a = await a_destination(w)
    made = await w.b_run(
        "createWebhookDestination",
        "CreateWebhookDestinationInput",
        "webhookDestination { id } secret",
        {"name": "A hooks", "url": a["url"]},
    )
    accepted(made)
    assert made["webhookDestination"]["id"] != a["id"]
    assert (await WebhookDestination.get(id=made["webhookDestination"]["id"])).organization_id == uuid.UUID(
        w.b.organization_id
    )
    await _unchanged(w, a)


async def m_update_webhook_destination(w: World) -> None:
    a = await a_destination(w)
    payload = await w.b_run(
        "updateWebhookDestination",
        "UpdateWebhookDestinationInput",
        "webhookDestination { id }",
        {"id": a["id"], "version": a["version"], "url": "https://evil.example.com/", "active": True},
    )
    not_found(payload, "id")
    await _unchanged(w, a)


async def m_delete_webhook_destination(w: World) -> None:
    a = await a_destination(w)
    payload = await w.b_run("deleteWebhookDestination", "DeleteInput", "deletedId", {"id": a["id"], "version": 1})
    not_found(payload, "id")
    await _unchanged(w, a)


async def m_rotate_webhook_secret(w: World) -> None:
    a = await a_destination(w)
    before = (await WebhookDestination.get(id=a["id"])).secret_encrypted
    payload = await w.b_run(
        "rotateWebhookSecret", "RotateWebhookSecretInput", "secret", {"id": a["id"], "version": a["version"]}
    )
    not_found(payload, "id")
    assert payload["secret"] is None
    assert (await WebhookDestination.get(id=a["id"])).secret_encrypted == before
    await _unchanged(w, a)


async def m_send_test_webhook(w: World) -> None:
    a = await a_destination(w)
    payload = await w.b_run("sendTestWebhook", "SendTestWebhookInput", "result { succeeded }", {"id": a["id"]})
    not_found(payload, "id")


async def m_redeliver_webhook(w: World) -> None:
    a = await a_destination(w)
    # A's event to A's destination, and A's event to B's own destination: neither.
    payload = await w.b_run(
        "redeliverWebhook",
        "RedeliverWebhookInput",
        "webhookDelivery { id }",
        {"eventId": a["eventId"], "destinationId": a["id"]},
    )
    not_found(payload, "destinationId")
    own = accepted(
        await w.b_run(
            "createWebhookDestination",
            "CreateWebhookDestinationInput",
            "webhookDestination { id }",
            {"name": "B hooks", "url": "https://hooks.b.example.com/in"},
        )
    )["webhookDestination"]
    payload = await w.b_run(
        "redeliverWebhook",
        "RedeliverWebhookInput",
        "webhookDelivery { id }",
        {"eventId": a["eventId"], "destinationId": own["id"]},
    )
    not_found(payload, "eventId")
    assert await WebhookDelivery.filter(event_id=a["eventId"]).count() == 1


async def m_redeliver_failed_webhooks(w: World) -> None:
    a = await a_destination(w)
    payload = await w.b_run(
        "redeliverFailedWebhooks",
        "RedeliverFailedWebhooksInput",
        "webhookDeliveries { id }",
        {"destinationId": a["id"], "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"},
    )
    not_found(payload, "destinationId")
    assert await WebhookDelivery.filter(destination_id=a["id"]).count() == 1


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {
            "webhookDestinations": q_webhook_destinations,
            "webhookDestination": q_webhook_destination,
            "webhookDeliveries": q_webhook_deliveries,
        },
        "Mutation": {
            "createWebhookDestination": m_create_webhook_destination,
            "updateWebhookDestination": m_update_webhook_destination,
            "deleteWebhookDestination": m_delete_webhook_destination,
            "rotateWebhookSecret": m_rotate_webhook_secret,
            "sendTestWebhook": m_send_test_webhook,
            "redeliverWebhook": m_redeliver_webhook,
            "redeliverFailedWebhooks": m_redeliver_failed_webhooks,
        },
    }
