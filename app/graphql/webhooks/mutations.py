"""Root mutations of webhooks: destinations, secret rotation, test sends and redelivery.

Creating needs `config:create`, deleting `config:delete`, everything else (changing,
rotating, sending a test, redelivering) `config:update` on the destination named.
"""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.graphql.webhooks.inputs import (
    CreateWebhookDestinationInput,
    CreateWebhookDestinationPayload,
    RedeliverFailedWebhooksInput,
    RedeliverFailedWebhooksPayload,
    RedeliverWebhookInput,
    RedeliverWebhookPayload,
    RotateWebhookSecretInput,
    RotateWebhookSecretPayload,
    SendTestWebhookInput,
    SendTestWebhookPayload,
    UpdateWebhookDestinationInput,
    WebhookDestinationPayload,
)
from app.graphql.webhooks.types import WebhookDelivery, WebhookDestination, WebhookTestResult
from app.services import webhooks

KIND = "webhookDestination"


async def _wake_delivery(info: Info, organization_id: uuid.UUID) -> None:
    """Ask a worker to send now; without a queue the worker's sweep finds it within seconds."""
    queue = info.context.queue
    if queue is not None:
        try:
            await queue.enqueue_job("deliver_webhooks", str(organization_id))
        except Exception:  # noqa: BLE001 - the delivery is stored; the sweep sends it
            pass


def _with_secret(created: webhooks.DestinationWithSecret) -> tuple[WebhookDestination, str]:
    return WebhookDestination.of(created.destination), created.secret


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Create a webhook destination; its signing secret is returned once.",
        extensions=authorize("config:create", KIND),
    )
    async def create_webhook_destination(
        self, info: Info, input: CreateWebhookDestinationInput
    ) -> CreateWebhookDestinationPayload:
        p = info.context.require_principal()
        return await respond(
            CreateWebhookDestinationPayload,
            ("webhook_destination", "secret"),
            lambda: webhooks.create_destination(p.organization_id, input.to_command(), actor=p.actor),
            _with_secret,
        )

    @strawberry.mutation(
        description="Change a webhook destination.", extensions=authorize("config:update", KIND, input_item())
    )
    async def update_webhook_destination(
        self, info: Info, input: UpdateWebhookDestinationInput
    ) -> WebhookDestinationPayload:
        p = info.context.require_principal()
        return await respond(
            WebhookDestinationPayload,
            "webhook_destination",
            lambda: webhooks.update_destination(p.organization_id, input.to_command(), actor=p.actor),
            WebhookDestination.of,
        )

    @strawberry.mutation(
        description="Delete a webhook destination; its delivery log stays, pending deliveries are cancelled.",
        extensions=authorize("config:delete", KIND, input_item()),
    )
    async def delete_webhook_destination(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: webhooks.delete_destination(
                info.context.organization_id, parse_id(input.id), version=input.version
            ),
            input.id,
        )

    @strawberry.mutation(
        description="Replace the signing secret, returned once; the old one keeps signing for 24 hours.",
        extensions=authorize("config:update", KIND, input_item()),
    )
    async def rotate_webhook_secret(self, info: Info, input: RotateWebhookSecretInput) -> RotateWebhookSecretPayload:
        p = info.context.require_principal()
        return await respond(
            RotateWebhookSecretPayload,
            ("webhook_destination", "secret"),
            lambda: webhooks.rotate_secret(p.organization_id, parse_id(input.id), input.version, actor=p.actor),
            _with_secret,
        )

    @strawberry.mutation(
        description="POST a signed webhook.test event to the destination now and report the answer "
        "(not part of the delivery log).",
        extensions=authorize("config:update", KIND, input_item()),
    )
    async def send_test_webhook(self, info: Info, input: SendTestWebhookInput) -> SendTestWebhookPayload:
        org = info.context.organization_id

        async def call() -> Any:
            outcome = await webhooks.send_test_webhook(org, parse_id(input.id))
            return WebhookTestResult(
                succeeded=outcome.succeeded,
                response_status=outcome.status,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
                response_excerpt=outcome.excerpt,
            )

        return await respond(SendTestWebhookPayload, "result", call)

    @strawberry.mutation(
        description="Send one event to one destination again: same webhook-id and body, whatever happened before.",
        extensions=authorize("config:update", KIND, input_item("destination_id")),
    )
    async def redeliver_webhook(self, info: Info, input: RedeliverWebhookInput) -> RedeliverWebhookPayload:
        org = info.context.organization_id

        async def call() -> Any:
            command = webhooks.Redeliver(
                parse_id(input.event_id, ("input", "eventId")),
                parse_id(input.destination_id, ("input", "destinationId")),
            )
            delivery = await webhooks.redeliver(org, command)
            await _wake_delivery(info, org)
            return delivery

        return await respond(RedeliverWebhookPayload, "webhook_delivery", call, WebhookDelivery.of)

    @strawberry.mutation(
        description="Send again every FAILED delivery of a destination whose event occurred in [from, to).",
        extensions=authorize("config:update", KIND, input_item("destination_id")),
    )
    async def redeliver_failed_webhooks(
        self, info: Info, input: RedeliverFailedWebhooksInput
    ) -> RedeliverFailedWebhooksPayload:
        org = info.context.organization_id

        async def call() -> Any:
            command = webhooks.RedeliverFailed(
                parse_id(input.destination_id, ("input", "destinationId")), input.from_, input.to
            )
            made = await webhooks.redeliver_failed(org, command)
            if made:
                await _wake_delivery(info, org)
            return made

        return await respond(
            RedeliverFailedWebhooksPayload,
            "webhook_deliveries",
            call,
            lambda rows: [WebhookDelivery.of(r) for r in rows],
        )
