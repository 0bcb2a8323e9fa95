from tortoise import fields, migrations
from tortoise.migrations import operations as ops


# Versioned updates record their event's entities as row images, rendered into the API form
# when the event is read (app.services.events.images): `payload_table` names the table of
# the images, NULL for a payload that is the API form already (every event before this
# migration, and every other writer's). A nullable column without a default: no rewrite.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0020_events_write_cost")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Event",
            name="payload_table",
            field=fields.CharField(null=True, max_length=63),
        ),
    ]
