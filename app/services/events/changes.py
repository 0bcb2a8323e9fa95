"""The one place services announce a configuration change (SEMANTICS §14.1).

A service calls `created`, `updated` or `deleted` right after its write, inside the same
transaction, with the model instance; the event type is derived from the model class
(`CompoundAggregation` → `configuration.compoundaggregation.created`). For updates and
deletes the service takes `snapshot(instance)` before changing anything.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.models import Model

from app.services.events import payloads
from app.services.events.record import Connection, NewEvent, record_events

# Entities whose events are not `configuration.*` (SEMANTICS §14.1: billconfig is billing).
_FAMILY = {"billconfig": "billing", "charge": "billing"}


def entity_name(model: type[Model] | Model) -> str:
    cls = model if isinstance(model, type) else type(model)
    return cls.__name__.lower()


def event_type(model: type[Model] | Model, action: str) -> str:
    name = entity_name(model)
    return f"{_FAMILY.get(name, 'configuration')}.{name}.{action}"


def snapshot(instance: Model) -> dict[str, Any]:
    """The entity as the API shows it now; take it before an update or delete."""
    return payloads.entity_snapshot(instance)


def change_event(instance: Model, action: str, payload: dict[str, Any]) -> NewEvent:
    return NewEvent(
        type=event_type(instance, action),
        entity_type=entity_name(instance),
        entity_id=instance.pk,
        payload=payload,
    )


def _org(instance: Model) -> uuid.UUID:
    return instance.organization_id  # type: ignore[attr-defined, no-any-return]


async def created(*instances: Model, connection: Connection = None) -> None:
    """`.created` for each instance just inserted (nested creates pass them all at once)."""
    by_org: dict[uuid.UUID, list[NewEvent]] = {}
    for instance in instances:
        event = change_event(instance, "created", payloads.created(snapshot(instance)))
        by_org.setdefault(_org(instance), []).append(event)
    for organization_id, events in by_org.items():
        await record_events(connection, organization_id, events)


async def updated(old: dict[str, Any], instance: Model, *, connection: Connection = None) -> None:
    """`.updated` with the snapshot taken before the change and the instance after it."""
    event = change_event(instance, "updated", payloads.updated(old, snapshot(instance)))
    await record_events(connection, _org(instance), [event])


async def deleted(instance: Model, *, connection: Connection = None) -> None:
    """`.deleted`; the instance's fields are still in memory after `delete()`."""
    event = change_event(instance, "deleted", payloads.deleted(snapshot(instance)))
    await record_events(connection, _org(instance), [event])
