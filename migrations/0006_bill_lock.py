from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


# The global bill lock date (SEMANTICS §13.2 rule 5) and the external invoice date (rule 6).
# - `bill_configs`: one row per organization, created on first update; no row = no lock date.
# - `bills.locked_by_lock_date`: the lock came from the lock date, so moving the date back may
#   undo it; a lock a person set is never undone by the lock date.
# - `external_invoice_date`: the organization's rule, a bill's resulting date, and a bill
#   job's optional override of it. Existing bills keep null: read as their bill date, the
#   only rule there was.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0005_rate_limits")]

    initial = False

    operations = [
        ops.CreateModel(
            name="BillConfig",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("bill_lock_date", fields.DateField(null=True)),
            ],
            options={
                "table": "bill_configs",
                "app": "metergraph",
                "pk_attr": "id",
                "unique_together": (("organization_id",),),
            },
            bases=["TenantModel"],
        ),
        ops.AddField(
            model_name="Bill",
            name="locked_by_lock_date",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Bill",
            name="external_invoice_date",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="BillJob",
            name="external_invoice_date",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="OrganizationConfig",
            name="external_invoice_date",
            field=fields.CharField(
                max_length=32, default="FIRST_DAY_OF_NEXT_PERIOD", db_default="FIRST_DAY_OF_NEXT_PERIOD"
            ),
        ),
    ]
