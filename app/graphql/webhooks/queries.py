"""Root queries of webhooks: destinations and the delivery log, in the caller's organization.

Reading either is `config:retrieve` on `webhookDestination`; a delivery (and its attempt
log) is part of its destination, so a DENY on one destination hides its deliveries too.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.inputs import filter_id
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.graphql.webhooks.types import WebhookDelivery, WebhookDeliveryStatus, WebhookDestination
from app.models import webhooks as m

READ, KIND = "config:retrieve", "webhookDestination"


@strawberry.input(description="Narrows the delivery log; every given criterion must hold.")
class WebhookDeliveryFilter:
    destination_id: strawberry.ID | None = strawberry.field(default=None, description="Only to this destination.")
    event_id: strawberry.ID | None = strawberry.field(default=None, description="Only of this event.")
    status: WebhookDeliveryStatus | None = strawberry.field(default=None, description="Only in this status.")
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Only events that occurred at or after this instant."
    )
    to: datetime | None = strawberry.field(default=None, description="Only events that occurred before this instant.")


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Webhook destinations of the organization.", extensions=authorize(READ, KIND))
    async def webhook_destinations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WebhookDestination]:
        query = m.WebhookDestination.filter(organization_id=info.context.organization_id)
        return await paginate(query, first, after, WebhookDestination.of, order_by=("name",))

    @strawberry.field(description="One webhook destination by id.", extensions=authorize(READ, KIND))
    async def webhook_destination(self, info: Info, id: strawberry.ID) -> WebhookDestination | None:
        query = m.WebhookDestination.filter(organization_id=info.context.organization_id)
        row = await by_id_or_code(query, id, None)
        return WebhookDestination.of(row) if row else None

    @strawberry.field(
        description="The delivery log: deliveries, newest event first, each with its attempts.",
        extensions=authorize(READ, KIND),
    )
    async def webhook_deliveries(
        self,
        info: Info,
        filter: WebhookDeliveryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[WebhookDelivery]:
        query = m.WebhookDelivery.filter(organization_id=info.context.organization_id)
        if filter is not None:
            if filter.destination_id is not None:
                query = query.filter(destination_id=filter_id(filter.destination_id, "destinationId"))
            if filter.event_id is not None:
                query = query.filter(event_id=filter_id(filter.event_id, "eventId"))
            if filter.status is not None:
                query = query.filter(status=filter.status.value)
            if filter.from_ is not None:
                query = query.filter(occurred_at__gte=filter.from_)
            if filter.to is not None:
                query = query.filter(occurred_at__lt=filter.to)
        return await paginate(query, first, after, WebhookDelivery.of, order_by=("-occurred_at", "-redelivery"))
