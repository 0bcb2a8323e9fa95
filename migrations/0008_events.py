from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The event log (SEMANTICS §14.1–14.2). `event` is the Tortoise model app.models.events.Event;
# the hand-written part adds what the model cannot say: the foreign key to the
# organization, the list/retention indexes, and `event_sequence`, the per-entity counter
# behind `event.sequence` (composite primary key, only written by
# app.services.events.record_events with INSERT … ON CONFLICT DO UPDATE).
EVENTS_SQL = [
    """ALTER TABLE event ADD CONSTRAINT event_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
    "ALTER TABLE event ALTER COLUMN payload TYPE jsonb USING payload::jsonb",
    "CREATE INDEX event_org_occurred_idx ON event (organization_id, occurred_at DESC, id DESC)",
    "CREATE INDEX event_org_entity_idx ON event (organization_id, entity_id, sequence)",
    "CREATE INDEX event_org_type_occurred_idx ON event (organization_id, type, occurred_at DESC)",
    "CREATE INDEX event_occurred_idx ON event (occurred_at)",
    """CREATE TABLE event_sequence (
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        last_sequence bigint NOT NULL,
        PRIMARY KEY (organization_id, entity_type, entity_id)
    )""",
]
EVENTS_REVERSE_SQL = [
    "DROP TABLE IF EXISTS event_sequence",
    "DROP INDEX IF EXISTS event_occurred_idx",
    "DROP INDEX IF EXISTS event_org_type_occurred_idx",
    "DROP INDEX IF EXISTS event_org_entity_idx",
    "DROP INDEX IF EXISTS event_org_occurred_idx",
    "ALTER TABLE event DROP CONSTRAINT IF EXISTS event_organization_fk",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0007_scheduling")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Event",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField()),
                ("type", fields.CharField(max_length=100)),
                ("entity_type", fields.CharField(max_length=50)),
                ("entity_id", fields.UUIDField()),
                ("sequence", fields.BigIntField()),
                ("occurred_at", fields.DatetimeField()),
                ("payload", fields.JSONField()),
            ],
            options={"table": "event", "app": "metergraph", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.RunSQL(EVENTS_SQL, reverse_sql=EVENTS_REVERSE_SQL),
    ]
