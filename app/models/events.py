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
    # The table whose row images `payload` holds (a versioned update's event), rendered into
    # the API form when read (app.services.events.images); NULL: the API form as stored.
    payload_table = fields.CharField(max_length=63, null=True)

    class Meta:
        table = "event"
        app = "metergraph"
