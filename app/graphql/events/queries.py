"""Root queries of the event log, always within the caller's organization.

Authorization: reading events is `config:retrieve` on kind `event` (the closest existing
permission: events show configuration and bills, which that action already reads), so
ReadOnly principals see them and a policy can deny `config:event` alone. An event's payload
is its entity as the API shows it, so an event about an entity a DENY of its reader names
(`config:bill/item/<id>`, `config:account/*`) is left out of the page, as that entity is
everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from app.graphql.authorization import authorize, denials, resource_name
from app.graphql.context import Info
from app.graphql.errors import BadRequest
from app.graphql.events.types import Event
from app.graphql.inputs import filter_id
from app.graphql.pagination import Connection, paginate
from app.graphql.reads import READS, ReadRule, VisiblePage
from app.services.events.catalogue import event_types
from app.services.events.queries import events_of, render_payloads

READ = "config:retrieve"
MAX_TYPES = 100
# Event entity types are model names in lower case (app.services.events.changes): the
# entity's read rule by that name.
ENTITY_READS: dict[str, ReadRule] = {name.lower(): rule for name, rule in READS.items() if rule.action == READ}


@strawberry.input(description="Narrows the event list; every given criterion must hold.")
class EventFilter:
    types: list[str] | None = strawberry.field(
        default=None, description="Only these types: exact (billing.bill.approved) or a prefix (billing.*); ≤ 100."
    )
    entity_id: strawberry.ID | None = strawberry.field(default=None, description="Only events about this entity.")
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Only events that occurred at or after this instant."
    )
    to: datetime | None = strawberry.field(default=None, description="Only events that occurred before this instant.")


@strawberry.type
class EventQuery:
    @strawberry.field(
        description="Events of the organization, newest first (by occurredAt), kept 90 days.",
        extensions=authorize(READ, "event"),
    )
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None, filter: EventFilter | None = None
    ) -> Connection[Event]:
        flt = filter or EventFilter()
        if flt.types is not None and len(flt.types) > MAX_TYPES:
            raise BadRequest(f"filter.types holds more than {MAX_TYPES} types")
        query = events_of(
            info.context.organization_id,
            types=flt.types,
            entity_id=filter_id(flt.entity_id, "entityId") if flt.entity_id is not None else None,
            occurred_from=flt.from_,
            occurred_to=flt.to,
        )
        page = await paginate(query, first, after, Event.of, order_by=("-occurred_at",), prefetch=render_payloads)
        shown = _entity_readable(info.context.principal)
        return page if shown is None else VisiblePage(page, shown)

    @strawberry.field(
        description="Every event type Metergraph records: configuration.<entity>.created|updated|deleted, "
        "billing.bill.created|updated|approved|locked, billing.billjob.completed|failed|cancelled, "
        "billing.billconfig.updated, ingest.validation.failure, scheduled.billrun.completed.",
        extensions=authorize(READ, "event"),
    )
    def event_types(self) -> list[str]:
        return event_types()


def _entity_readable(principal: Any) -> Callable[[Event], bool] | None:
    """None when every event may be shown; else whether no DENY of its reader names its
    entity (reading events needs no ALLOW on each kind of entity, but a DENY holds)."""
    denied = denials(principal, READ) if principal is not None else None
    if denied is None:
        return None

    def readable(event: Event) -> bool:
        rule = ENTITY_READS.get(event.entity_type)
        if rule is None:  # no entity of the API (a measurement batch, a scheduled run)
            return True
        # One per organization (bill settings): the collection decides.
        item = event.entity_id if rule.item is not None else None
        return not denied(resource_name(rule.action, rule.kind, item))

    return readable
