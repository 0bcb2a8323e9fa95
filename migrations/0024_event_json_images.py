from importlib import import_module

from tortoise import migrations
from tortoise.migrations import operations as ops

from app.models.fields import PlainJSONField

# Cheaper events of versioned updates (issue #15), app.services.events.versioned: their row
# images are written as `json` (`row_to_json`, kept as text) into the new column
# `event.images`, instead of `jsonb` (`to_jsonb`, parsed and rebuilt into the binary form)
# into `payload`. Building, parsing and storing the two images as jsonb was the largest
# part of the event's own database work: in a server-side loop, `to_jsonb` of an account
# row took ~9-13 us more than `row_to_json`, and `jsonb_build_object` of the two images
# ~20 us against ~6-13 us for `json_build_object`. The images are only ever read whole,
# by the renderer, so jsonb's binary form buys nothing. Image events now store
# `payload = '{}'`. Events written before this migration keep their images in `payload`
# (images NULL); the renderer reads either. A nullable column without a default: no
# rewrite.
RECORD_VERSIONED_EVENT_SQL = [
    "DROP FUNCTION IF EXISTS record_versioned_event(uuid, uuid, text, text, uuid, jsonb, text, text)",
    """
CREATE FUNCTION record_versioned_event(
    organization uuid, event uuid, event_type text, entity text, entity_row uuid, row_images json, images_table text,
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
    INSERT INTO event (id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload, payload_table,
                       images)
    VALUES (event, organization, event_type, entity, entity_row, next_sequence, clock_timestamp(), '{}', images_table,
            row_images);
    IF notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, organization::text || ':' || event::text);
    END IF;
    RETURN next_sequence;
END
$$""",
]
# Back to 0021's function, which wrote the images into `payload`.
RECORD_VERSIONED_EVENT_REVERSE_SQL = [
    "DROP FUNCTION IF EXISTS record_versioned_event(uuid, uuid, text, text, uuid, json, text, text)",
    *import_module("migrations.0021_event_row_images").RECORD_VERSIONED_EVENT_SQL,
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0023_billing_redundant_indexes")]

    initial = False

    operations = [
        ops.AddField(model_name="Event", name="images", field=PlainJSONField(null=True)),
        ops.RunSQL(RECORD_VERSIONED_EVENT_SQL, reverse_sql=RECORD_VERSIONED_EVENT_REVERSE_SQL),
    ]
