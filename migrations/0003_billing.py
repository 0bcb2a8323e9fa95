import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from app.models.fields import NumericField

# Hand-written part: partial and multi-column indexes Tortoise models cannot express.
# - Claiming a bill job's accounts reads its PENDING rows in account order; DONE rows
#   leave the index, so a claim never scans what is finished.
# - tiersSpanPlan history: the usage lines of given account plans (app.services.billing.previous).
BILLING_SQL = [
    "CREATE INDEX bill_job_accounts_pending_idx ON bill_job_accounts (organization_id, bill_job_id, account_id) "
    "WHERE status = 'PENDING'",
    "CREATE INDEX bill_line_items_account_plan_idx ON bill_line_items (organization_id, account_plan_id) "
    "WHERE account_plan_id IS NOT NULL",
]
BILLING_REVERSE_SQL = [
    "DROP INDEX IF EXISTS bill_line_items_account_plan_idx",
    "DROP INDEX IF EXISTS bill_job_accounts_pending_idx",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0002_ingest")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Bill",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("account_id", fields.UUIDField(db_index=True)),
                ("account_code", fields.CharField(max_length=80)),
                ("bill_date", fields.DateField()),
                ("due_date", fields.DateField()),
                ("start_date", fields.DateField()),
                ("end_date", fields.DateField()),
                ("billing_frequency", fields.CharField(max_length=16)),
                ("currency", fields.CharField(max_length=80)),
                ("status", fields.CharField(default="PENDING", max_length=16)),
                ("locked", fields.BooleanField(default=False)),
                ("bill_job_id", fields.UUIDField(null=True)),
                ("last_calculated_date", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("purchase_order_number", fields.CharField(null=True, max_length=200)),
                ("sequential_invoice_number", fields.CharField(null=True, max_length=120)),
                ("bill_total", NumericField(default=0)),
            ],
            options={
                "table": "bills",
                "app": "metergraph",
                "unique_together": (("organization_id", "account_id", "bill_date", "billing_frequency"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="BillJob",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("status", fields.CharField(default="PENDING", max_length=16)),
                ("type", fields.CharField(default="CREATE", max_length=16)),
                ("last_date_in_billing_period", fields.DateField(null=True)),
                ("bill_date", fields.DateField(null=True)),
                ("billing_frequency", fields.CharField(null=True, max_length=16)),
                (
                    "account_ids",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                (
                    "bill_ids",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                (
                    "currency_conversions",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("total", fields.IntField(default=0)),
                ("pending", fields.IntField(default=0)),
                ("failed", fields.IntField(default=0)),
                (
                    "result_bill_ids",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("failure_reason", fields.TextField(null=True, unique=False)),
                ("dt_started", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("dt_completed", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("dt_heartbeat", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("dt_cutoff", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "bill_jobs", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="BillJobAccount",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("bill_job_id", fields.UUIDField(db_index=True)),
                ("account_id", fields.UUIDField()),
                ("status", fields.CharField(default="PENDING", max_length=16)),
                ("reason", fields.TextField(null=True, unique=False)),
                (
                    "bill_ids",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("claim_token", fields.CharField(null=True, max_length=64)),
                ("dt_claimed", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "bill_job_accounts",
                "app": "metergraph",
                "unique_together": (("organization_id", "bill_job_id", "account_id"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="BillLineItem",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("bill_id", fields.UUIDField(db_index=True)),
                ("position", fields.IntField()),
                ("line_item_type", fields.CharField(max_length=32)),
                ("description", fields.CharField(null=True, max_length=400)),
                ("account_plan_id", fields.UUIDField(null=True)),
                ("product_id", fields.UUIDField(null=True)),
                ("plan_id", fields.UUIDField(null=True)),
                ("pricing_id", fields.UUIDField(null=True)),
                ("aggregation_id", fields.UUIDField(null=True)),
                ("compound_aggregation_id", fields.UUIDField(null=True)),
                ("meter_id", fields.UUIDField(null=True)),
                ("commitment_id", fields.UUIDField(null=True)),
                (
                    "segment",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("child_account_id", fields.UUIDField(null=True)),
                ("child_account_code", fields.CharField(null=True, max_length=80)),
                ("quantity", NumericField(null=True)),
                ("units", NumericField(null=True)),
                ("unit", fields.CharField(null=True, max_length=80)),
                ("subtotal", NumericField()),
                ("currency", fields.CharField(max_length=80)),
                ("conversion_rate", NumericField(default=1)),
                ("converted_subtotal", NumericField()),
                ("average_unit_price", NumericField(null=True)),
                ("service_period_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("service_period_end", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "usage_per_pricing_band",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={"table": "bill_line_items", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.RunSQL(BILLING_SQL, reverse_sql=BILLING_REVERSE_SQL),
    ]
