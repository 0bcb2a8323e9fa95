from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from app.models.fields import NumericField


# Scheduled billing (SEMANTICS §13): the organization's schedule and auto-approval grace,
# bill jobs marked as scheduled with their run instant, bills' auto-approval state, and the
# runs claimed so far (the unique (organization, run instant) makes each run start once).
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0006_bill_lock")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OrganizationConfig",
            name="scheduled_bill_interval",
            field=NumericField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="OrganizationConfig",
            name="scheduled_bill_offset",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="OrganizationConfig",
            name="auto_approve_bills_grace_period",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="OrganizationConfig",
            name="auto_approve_bills_grace_period_unit",
            field=fields.CharField(max_length=16, null=True),
        ),
        ops.AddField(
            model_name="BillJob",
            name="scheduled",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="BillJob",
            name="triggered_at",
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name="Bill",
            name="auto_approved",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Bill",
            name="auto_approve_blocked",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.CreateModel(
            name="ScheduledRun",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("run_at", fields.DatetimeField()),
                ("bill_job_ids", fields.JSONField(default=list)),
            ],
            options={
                "table": "scheduled_runs",
                "app": "metergraph",
                "pk_attr": "id",
                "unique_together": (("organization_id", "run_at"),),
            },
            bases=["TenantModel"],
        ),
    ]
