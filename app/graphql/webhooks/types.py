"""Output types of webhooks: destinations, deliveries and their attempt log (SEMANTICS §14.3–14.4).

A destination's secret is never an output field: it is returned once, in the payloads of
createWebhookDestination and rotateWebhookSecret.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry

from app.graphql.context import Info
from app.graphql.loaders import children_by, load
from app.models import webhooks as m

ATTEMPTS_BY_DELIVERY = children_by(m.WebhookAttempt, "delivery_id", ("attempt_number", "id"))


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@strawberry.type(description="Where events are sent: an HTTPS endpoint and the event types it wants.")
class WebhookDestination:
    id: strawberry.ID = strawberry.field(description="Id of the destination.")
    version: int = strawberry.field(description="Incremented by every update.")
    name: str = strawberry.field(description="Name shown to people, 1–200 characters.")
    url: str = strawberry.field(description="The endpoint events are POSTed to.")
    event_types: list[str] = strawberry.field(
        description="Exact event types or prefixes ending in .* (billing.*); empty means every type."
    )
    active: bool = strawberry.field(description="An inactive destination receives nothing, not even later.")
    description: str | None = strawberry.field(description="What it is for.")
    disabled_reason: str | None = strawberry.field(
        description="Why delivery set it inactive (a 410 answer, or failing for days); null otherwise."
    )
    previous_secret_expires_at: datetime | None = strawberry.field(
        description="After a rotation: until when the previous secret's signature is sent too."
    )
    dt_created: datetime = strawberry.field(description="When it was created; it receives events from then on.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def of(cls, row: m.WebhookDestination) -> WebhookDestination:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            name=row.name,
            url=row.url,
            event_types=list(row.event_types or []),
            active=row.active,
            description=row.description,
            disabled_reason=row.disabled_reason,
            previous_secret_expires_at=row.previous_secret_expires_at,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
        )


@strawberry.type(description="One HTTP attempt of a delivery, as logged.")
class WebhookAttempt:
    id: strawberry.ID = strawberry.field(description="Id of the attempt's log row.")
    destination_id: strawberry.ID = strawberry.field(description="The destination it was sent to.")
    attempt_number: int = strawberry.field(description="1 for the first attempt, up to 10.")
    sent_at: datetime = strawberry.field(description="When it was sent.")
    duration_ms: int = strawberry.field(description="Milliseconds until the answer, the error or the timeout.")
    response_status: int | None = strawberry.field(description="The HTTP status answered; null when none came.")
    error: str | None = strawberry.field(
        description="Why it failed, kind first: TIMEOUT, CONNECT, TLS, REDIRECT, REFUSED_ADDRESS, HTTP; "
        "null for an answer (see responseStatus)."
    )
    response_excerpt: str | None = strawberry.field(description="The first 2 KB of the response body.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt was scheduled; null if none."
    )

    @classmethod
    def of(cls, row: m.WebhookAttempt) -> WebhookAttempt:
        return cls(
            id=strawberry.ID(str(row.id)),
            destination_id=strawberry.ID(str(row.destination_id)),
            attempt_number=row.attempt_number,
            sent_at=row.sent_at,
            duration_ms=row.duration_ms,
            response_status=row.response_status,
            error=row.error,
            response_excerpt=row.response_excerpt,
            next_attempt_at=row.next_attempt_at,
        )


@strawberry.type(description="One event on its way to one destination, with every attempt made.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Id of the delivery.")
    event_id: strawberry.ID = strawberry.field(description="The event; also the webhook-id header of every attempt.")
    destination_id: strawberry.ID = strawberry.field(description="The destination.")
    event_type: str = strawberry.field(description="The event's type.")
    occurred_at: datetime = strawberry.field(description="When the event occurred.")
    redelivery: int = strawberry.field(description="0 for the delivery made when the event occurred; 1, 2 … manual.")
    status: WebhookDeliveryStatus = strawberry.field(description="PENDING, SUCCEEDED, FAILED or CANCELLED.")
    attempts: int = strawberry.field(description="Attempts made so far (at most 10).")
    next_attempt_at: datetime | None = strawberry.field(description="When the next attempt is due; null if none.")
    last_attempt_at: datetime | None = strawberry.field(description="When the last attempt was made.")
    dt_created: datetime = strawberry.field(description="When the delivery was created.")

    @strawberry.field(description="Every attempt, first to last: status, duration, error, response excerpt.")
    async def attempt_log(self, info: Info) -> list[WebhookAttempt]:
        rows = await load(info, ATTEMPTS_BY_DELIVERY, uuid.UUID(self.id))
        return [WebhookAttempt.of(row) for row in rows]

    @classmethod
    def of(cls, row: m.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(row.id)),
            event_id=strawberry.ID(str(row.event_id)),
            destination_id=strawberry.ID(str(row.destination_id)),
            event_type=row.event_type,
            occurred_at=row.occurred_at,
            redelivery=row.redelivery,
            status=WebhookDeliveryStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_attempt_at=row.last_attempt_at,
            dt_created=row.dt_created,
        )


@strawberry.type(description="What the receiver answered to a test webhook.")
class WebhookTestResult:
    succeeded: bool = strawberry.field(description="A 2xx came back within 15 s.")
    response_status: int | None = strawberry.field(description="The HTTP status answered; null when none came.")
    error: str | None = strawberry.field(description="Why it failed, kind first (as in the attempt log).")
    duration_ms: int = strawberry.field(description="Milliseconds until the answer or the error.")
    response_excerpt: str | None = strawberry.field(description="The first 2 KB of the response body.")
