from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Cheaper events of versioned updates (issue #15), app.services.events.versioned:
# - `event.payload_table`: the table whose row images the payload holds, rendered into the
#   API form when the event is read (app.services.events.images); NULL for a payload that
#   is the API form already (every event before this migration, and every other writer's).
#   A nullable column without a default: no rewrite.
# - `record_versioned_event(...)`: the event's counter and insert, and its notification on
#   `notify_channel` (NULL: no destination wants it), called by the statement that reads
#   the updated row back. As a function its statements run with plans kept for the
#   session; as CTEs of the read-back the executor set up and tore down three more nodes
#   per write. The counter is the plain UPDATE of the entity's row, or its upsert at the
#   entity's first event (a concurrent first event waits on the key and then adds one to
#   it), as record.recording_ctes does.
RECORD_VERSIONED_EVENT_SQL = [
    """
CREATE FUNCTION record_versioned_event(
    organization uuid, event uuid, event_type text, entity text, entity_row uuid, images jsonb, images_table text,
    notify_channel text
) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    next_sequence bigint;
BEGIN
    UPDATE event_sequence AS s SET last_sequence = s.last_sequence + 1
    WHERE s.organization_id = organization AND s.entity_type = entity AND s.entity_id = entity_row
    RETURNING s.last_sequence INTO next_sequence;
    IF NOT FOUND THEN
        INSERT INTO event_sequence AS s (organization_id, entity_type, entity_id, last_sequence)
        VALUES (organization, entity, entity_row, 1)
        ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET last_sequence = s.last_sequence + 1
        RETURNING s.last_sequence INTO next_sequence;
    END IF;
    INSERT INTO event (id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload, payload_table)
    VALUES (event, organization, event_type, entity, entity_row, next_sequence, clock_timestamp(), images,
            images_table);
    IF notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, organization::text || ':' || event::text);
    END IF;
    RETURN next_sequence;
END
$$""",
]
RECORD_VERSIONED_EVENT_REVERSE_SQL = [
    "DROP FUNCTION IF EXISTS record_versioned_event(uuid, uuid, text, text, uuid, jsonb, text, text)",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0020_events_write_cost")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Event",
            name="payload_table",
            field=fields.CharField(null=True, max_length=63),
        ),
        ops.RunSQL(RECORD_VERSIONED_EVENT_SQL, reverse_sql=RECORD_VERSIONED_EVENT_REVERSE_SQL),
    ]
