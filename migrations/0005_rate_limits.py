from tortoise import fields, migrations
from tortoise.migrations import operations as ops


# An organization's own rate limits (app.services.rate_limits.config); null = the defaults,
# so existing rows need no value.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0004_bill_job_usage")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OrganizationConfig",
            name="rate_limits",
            field=fields.JSONField(null=True),
        ),
    ]
