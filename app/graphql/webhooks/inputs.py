"""Inputs and payloads of the webhook mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.errors import UserError
from app.graphql.inputs import command_fields, optional, parse_id
from app.graphql.webhooks.types import WebhookDelivery, WebhookDestination, WebhookTestResult
from app.services import webhooks


@strawberry.input(description="A new webhook destination.")
class CreateWebhookDestinationInput:
    name: str = strawberry.field(description="Name shown to people, 1–200 characters.")
    url: str = strawberry.field(description="https:// endpoint, at most 2,048 characters, without credentials.")
    event_types: list[str] = strawberry.field(
        default_factory=list, description="Exact types or prefixes ending in .*; at most 100; empty means every type."
    )
    active: bool = strawberry.field(default=True, description="Whether it receives events (default true).")
    description: str | None = strawberry.field(default=None, description="What it is for.")

    def to_command(self) -> webhooks.DestinationFields:
        return webhooks.DestinationFields(**command_fields(webhooks.DestinationFields, self))


@strawberry.input(description="Change a webhook destination; fields left out stay as they are.")
class UpdateWebhookDestinationInput:
    id: strawberry.ID = strawberry.field(description="The destination.")
    version: int = strawberry.field(description="The version you read.")
    name: str | None = optional("New name.")
    url: str | None = optional("New endpoint.")
    event_types: list[str] | None = optional("New event types (replaces the list).")
    active: bool | None = optional("Activate (also clears disabledReason) or deactivate (cancels what is pending).")
    description: str | None = optional("New description.")

    def to_command(self) -> webhooks.UpdateDestination:
        changes = webhooks.DestinationFields(**command_fields(webhooks.DestinationFields, self))
        return webhooks.UpdateDestination(parse_id(self.id), self.version, changes)


@strawberry.input(description="Rotate a destination's signing secret.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="The destination.")
    version: int = strawberry.field(description="The version you read.")


@strawberry.input(description="Send a signed webhook.test event to a destination now.")
class SendTestWebhookInput:
    id: strawberry.ID = strawberry.field(description="The destination.")


@strawberry.input(description="Send one event to one destination again.")
class RedeliverWebhookInput:
    event_id: strawberry.ID = strawberry.field(description="The event (its id is the webhook-id).")
    destination_id: strawberry.ID = strawberry.field(description="The destination.")


@strawberry.input(description="Send again every FAILED delivery of a destination whose event occurred in [from, to).")
class RedeliverFailedWebhooksInput:
    destination_id: strawberry.ID = strawberry.field(description="The destination.")
    from_: datetime = strawberry.field(name="from", description="Events that occurred at or after this instant.")
    to: datetime = strawberry.field(description="Events that occurred before this instant.")


@strawberry.type(description="Result of createWebhookDestination: the only time this secret is shown.")
class CreateWebhookDestinationPayload:
    webhook_destination: WebhookDestination | None = strawberry.field(description="The new destination.")
    secret: str | None = strawberry.field(description="The signing secret (whsec_…); store it now.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of rotateWebhookSecret: the only time the new secret is shown.")
class RotateWebhookSecretPayload:
    webhook_destination: WebhookDestination | None = strawberry.field(description="The destination.")
    secret: str | None = strawberry.field(description="The new signing secret; the old one still signs for 24 h.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of updateWebhookDestination.")
class WebhookDestinationPayload:
    webhook_destination: WebhookDestination | None = strawberry.field(description="The destination after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of sendTestWebhook.")
class SendTestWebhookPayload:
    result: WebhookTestResult | None = strawberry.field(description="What the receiver answered.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of redeliverWebhook.")
class RedeliverWebhookPayload:
    webhook_delivery: WebhookDelivery | None = strawberry.field(description="The new delivery, PENDING.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of redeliverFailedWebhooks.")
class RedeliverFailedWebhooksPayload:
    webhook_deliveries: list[WebhookDelivery] | None = strawberry.field(description="The new deliveries, PENDING.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")
