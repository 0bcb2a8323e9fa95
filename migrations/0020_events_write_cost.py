from tortoise import migrations
from tortoise.migrations import operations as ops

# Cheaper event writes (issue #15), hand-written: `event_sequence` loses its foreign key to
# `organizations`, as `event` did in 0017. The key was checked only when a counter row was
# inserted, but a table with a foreign key runs the trigger machinery on every update too,
# and each recorded event updates its entity's counter row; the writer takes the
# organization from the row it is changing (an organization is never deleted by the
# application).
EVENT_SEQUENCE_SQL = ["ALTER TABLE event_sequence DROP CONSTRAINT IF EXISTS event_sequence_organization_id_fkey"]
EVENT_SEQUENCE_REVERSE_SQL = [
    """ALTER TABLE event_sequence ADD CONSTRAINT event_sequence_organization_id_fkey
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0019_ingest_body_lz4")]

    initial = False

    operations = [
        ops.RunSQL(EVENT_SEQUENCE_SQL, reverse_sql=EVENT_SEQUENCE_REVERSE_SQL),
    ]
