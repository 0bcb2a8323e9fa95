from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# An inactive destination gets nothing, not even later (SEMANTICS §14.3). The dispatcher
# sent a destination every event that occurred after its creation, so one made active
# again received what had occurred while it was inactive and was still undispatched (no
# other destination active, or no pass in between). `active_since` is set by the update
# that makes it active again; NULL (every existing row) means active since its creation.


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0025_bill_job_count")]

    initial = False

    operations = [
        ops.AddField(model_name="WebhookDestination", name="active_since", field=fields.DatetimeField(null=True)),
    ]
