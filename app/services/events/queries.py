"""Reading the event log: the organization's events narrowed by type, entity and time,
with their payloads in the API form (SEMANTICS §14.1)."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.models.events import Event
from app.services.events.images import rendered_payloads


def events_of(
    organization_id: uuid.UUID,
    *,
    types: list[str] | None = None,
    entity_id: uuid.UUID | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> QuerySet[Event]:
    """Events of the organization; `types` are exact types or `prefix.*`; the time range
    is [from, to)."""
    query = Event.filter(organization_id=organization_id)
    if types:
        exact = [t for t in types if not t.endswith(".*")]
        prefixes = [t[:-1] for t in types if t.endswith(".*")]

        condition = Q(type__in=exact) if exact else Q(pk__isnull=True)
        for prefix in prefixes:
            condition |= Q(type__startswith=prefix)
        query = query.filter(condition)
    if entity_id is not None:
        query = query.filter(entity_id=entity_id)
    if occurred_from is not None:
        query = query.filter(occurred_at__gte=occurred_from)
    if occurred_to is not None:
        query = query.filter(occurred_at__lt=occurred_to)
    return query


async def render_payloads(events: list[Event]) -> None:
    """Give the events whose payload is stored as row images (a versioned update's) their
    payload's API form, in place: what every reader of an event shows."""
    rendered = await rendered_payloads(
        None, ((event.organization_id, event.id, event.payload_table) for event in events)
    )
    for event in events:
        if event.id in rendered:
            event.payload = rendered[event.id]
