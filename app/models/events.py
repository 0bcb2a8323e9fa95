"""The event log (SEMANTICS §14.1–14.2): a transactional outbox of what changed.

An `Event` row is written in the transaction of the change it describes, by
`app.services.events.record_event(s)` only, so a committed change has its event and a
rolled-back one has none. Rows are never updated; they are pruned after the retention
period. `sequence` counts the events of one entity (entity_type, entity_id) 1, 2, 3 …
without gaps; the counter lives in the plain table `event_sequence` (migration 0008,
primary key (organization_id, entity_type, entity_id), column `last_sequence`), upserted
by the same statement that inserts the event.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from app.models.fields import PlainJSONField

# Listened to by the webhook dispatcher; the payload is the organization id. Notified in
# the writing transaction, so PostgreSQL delivers it only when that transaction commits.
EVENTS_CHANNEL = "metergraph_events"


class Event(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    organization_id = fields.UUIDField()
    type = fields.CharField(max_length=100)  # e.g. configuration.meter.updated
    entity_type = fields.CharField(max_length=50)  # e.g. meter, bill, billjob
    entity_id = fields.UUIDField()
    sequence = fields.BigIntField()
    occurred_at = fields.DatetimeField()
    payload: dict = fields.JSONField()  # type: ignore[assignment]
    # Set on a versioned update's event: the table whose row images the event holds, rendered
    # into the API form when read (app.services.events.images); NULL: `payload` is the API
    # form as stored.
    payload_table = fields.CharField(max_length=63, null=True)
    # A versioned update's row images, `{"old": …, "new": …}` (its `payload` is then `{}`);
    # NULL for every other event, and for image events written before migration 0024,
    # whose images are in `payload`.
    images: dict | None = PlainJSONField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "event"
        app = "metergraph"
