"""The event record as GraphQL shows it (the same fields a webhook's `data` carries)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.models import events as m


@strawberry.type(description="A change recorded in the transaction that made it (SEMANTICS §14.1).")
class Event:
    id: strawberry.ID = strawberry.field(description="Id of the event (the webhook-id of its deliveries).")
    type: str = strawberry.field(description="Event type, e.g. configuration.meter.updated; see eventTypes.")
    entity_type: str = strawberry.field(description="Lowercase name of the entity, e.g. meter, bill, billjob.")
    entity_id: strawberry.ID = strawberry.field(description="Id of the entity the event is about.")
    sequence: int = strawberry.field(
        description="1, 2, 3 … per entity, without gaps: a consumer keeps the highest seen and ignores lower ones."
    )
    occurred_at: datetime = strawberry.field(description="When the change was written.")
    payload: JSON = strawberry.field(
        description="created: {new}; updated: {old, new}; deleted: {old}; each entity as the API shows it "
        "(camelCase, decimals as strings, instants in UTC). Other families: see eventTypes."
    )

    @classmethod
    def of(cls, row: m.Event) -> Event:
        return cls(
            id=strawberry.ID(str(row.id)),
            type=row.type,
            entity_type=row.entity_type,
            entity_id=strawberry.ID(str(row.entity_id)),
            sequence=row.sequence,
            occurred_at=row.occurred_at,
            payload=row.payload,  # type: ignore[arg-type]  # a JSON object as stored
        )
