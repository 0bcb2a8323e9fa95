"""Reading the event log: the organization's events narrowed by type, entity and time,
and an event as its wire record (SEMANTICS §14.1; webhook `data`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.models.events import Event
from app.services.events.payloads import api_value


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


def event_record(event: Event) -> dict[str, Any]:
    """The event as webhooks and exports show it."""
    return {
        "id": str(event.id),
        "type": event.type,
        "organizationId": str(event.organization_id),
        "entityType": event.entity_type,
        "entityId": str(event.entity_id),
        "sequence": event.sequence,
        "occurredAt": api_value(event.occurred_at),
        "payload": event.payload,
    }
