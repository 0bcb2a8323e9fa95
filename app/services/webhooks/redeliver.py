"""Manual redelivery (SEMANTICS §14.4.5) and the test webhook.

A redelivery is a new delivery of the same event to the same destination: same
`webhook-id`, same body, whatever happened before, as long as the event is still kept.
Its `redelivery` number is one more than the highest so far, so it never collides with
the dispatcher's delivery (number 0) under the unique key.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app.db import connection
from app.models.webhooks import FAILED, WebhookDelivery, WebhookDestination
from app.services.errors import ErrorCode, fail
from app.services.versioning import get_owned
from app.services.webhooks import sender
from app.services.webhooks.commands import Redeliver, RedeliverFailed
from app.services.webhooks.secrets import decrypt_secret
from app.services.webhooks.signing import body_of, headers_of
from app.settings import get_settings

MAX_REDELIVERIES = 10_000
TEST_EVENT_TYPE = "webhook.test"

_REDELIVER = """
INSERT INTO webhook_deliveries (id, organization_id, version, dt_created, dt_last_modified, event_id, destination_id,
    event_type, occurred_at, redelivery, status, attempts, next_attempt_at)
SELECT gen_random_uuid(), e.organization_id, 1, $3, $3, e.id, $4, e.type, e.occurred_at,
    coalesce((SELECT max(redelivery) FROM webhook_deliveries d
              WHERE d.organization_id = $1 AND d.event_id = e.id AND d.destination_id = $4), 0) + 1,
    'PENDING', 0, $3
FROM event e WHERE e.organization_id = $1 AND e.id = ANY($2::uuid[])
RETURNING id
"""


async def _active_destination(organization_id: uuid.UUID, destination_id: uuid.UUID) -> WebhookDestination:
    destination = await get_owned(WebhookDestination, organization_id, destination_id, "destinationId")
    if not destination.active:
        raise fail(("input", "destinationId"), ErrorCode.INVALID_STATE, "the destination is inactive")
    return destination


async def _redeliver(organization_id: uuid.UUID, destination_id: uuid.UUID, event_ids: list[uuid.UUID]) -> list:
    async with connection() as conn, conn.transaction():
        # Serialize redeliveries of one destination: the max(redelivery) + 1 above must not race.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('webhooks:redeliver:' || $1::uuid::text))", destination_id
        )
        rows = await conn.fetch(_REDELIVER, organization_id, event_ids, datetime.now(UTC), destination_id)
    ids = [r["id"] for r in rows]
    return await WebhookDelivery.filter(organization_id=organization_id, id__in=ids).order_by("occurred_at")


async def redeliver(organization_id: uuid.UUID, command: Redeliver) -> WebhookDelivery:
    await _active_destination(organization_id, command.destination_id)
    created = await _redeliver(organization_id, command.destination_id, [command.event_id])
    if not created:
        raise fail(("input", "eventId"), ErrorCode.NOT_FOUND, f"no event {command.event_id} (or it was pruned)")
    return created[0]


async def redeliver_failed(organization_id: uuid.UUID, command: RedeliverFailed) -> list[WebhookDelivery]:
    """A new delivery for each event with a FAILED delivery to the destination and no
    PENDING or SUCCEEDED one since, among events that occurred in [start, end)."""
    await _active_destination(organization_id, command.destination_id)
    if command.end <= command.start:
        raise fail(("input", "to"), ErrorCode.INVALID, "must be after from")
    base = WebhookDelivery.filter(
        organization_id=organization_id,
        destination_id=command.destination_id,
        occurred_at__gte=command.start,
        occurred_at__lt=command.end,
    )
    failed: set[uuid.UUID] = set(await base.filter(status=FAILED).values_list("event_id", flat=True))  # type: ignore[arg-type]
    settled = set(await base.filter(status__in=("PENDING", "SUCCEEDED")).values_list("event_id", flat=True))
    todo = sorted(failed - settled)[:MAX_REDELIVERIES]
    return await _redeliver(organization_id, command.destination_id, todo) if todo else []


async def send_test_webhook(
    organization_id: uuid.UUID, destination_id: uuid.UUID, *, client: sender.Client | None = None
) -> sender.Outcome:
    """One signed `webhook.test` POST, now, outside the delivery log (it has no event):
    the caller sees at once whether the receiver answers and verifies."""
    destination = await get_owned(WebhookDestination, organization_id, destination_id)
    now, message_id = datetime.now(UTC), uuid.uuid4()
    data = {"id": str(message_id), "type": TEST_EVENT_TYPE, "organizationId": str(organization_id), "payload": {}}
    body = body_of(TEST_EVENT_TYPE, now, data)
    secret = decrypt_secret(get_settings().secret_key, destination.secret_encrypted)
    headers = headers_of([secret], message_id, now, body)
    allow = get_settings().webhook_allow_private
    if client is not None:
        return await sender.send(client, destination.url, headers, body, allow_private=allow)
    async with sender.new_client(max_connections=1) as own:
        return await sender.send(own, destination.url, headers, body, allow_private=allow)
