from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


def _common() -> list:
    # Fresh field objects per table: a field belongs to one model.
    return [
        ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
        ("organization_id", fields.UUIDField(db_index=True)),
        ("version", fields.IntField(default=1)),
        ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("created_by", fields.CharField(null=True, max_length=80)),
        ("last_modified_by", fields.CharField(null=True, max_length=80)),
    ]


def _options(table: str, unique: tuple) -> dict:
    return {"table": table, "app": "metergraph", "pk_attr": "id", "unique_together": unique}


_TABLES = ("counters", "counter_pricings", "counter_adjustments")

# Counters (SEMANTICS §8): the counters, their pricings on plans and templates, the
# adjustments per (counter, account, date), and the counter a bill line comes from. The
# hand-written part adds what the models cannot say: each table's foreign key to its
# organization, "plan or template, exactly one", and the index a bill job reads
# adjustments through (organization, account, counter, date).
COUNTERS_SQL = [
    *(
        f"""ALTER TABLE {table} ADD CONSTRAINT {table}_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE"""
        for table in _TABLES
    ),
    """ALTER TABLE counter_pricings ADD CONSTRAINT counter_pricings_plan_or_template
        CHECK ((plan_id IS NULL) <> (plan_template_id IS NULL))""",
    "ALTER TABLE counter_adjustments ADD CONSTRAINT counter_adjustments_value_check CHECK (value >= 0)",
    """CREATE INDEX counter_adjustments_org_account_idx
        ON counter_adjustments (organization_id, account_id, counter_id, date)""",
]
COUNTERS_REVERSE_SQL = ["DROP INDEX IF EXISTS counter_adjustments_org_account_idx"]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0010_exports")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Counter",
            fields=[
                *_common(),
                ("product_id", fields.UUIDField(null=True, db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("unit", fields.CharField(max_length=80)),
            ],
            options=_options("counters", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CounterPricing",
            fields=[
                *_common(),
                ("plan_id", fields.UUIDField(null=True, db_index=True)),
                ("plan_template_id", fields.UUIDField(null=True, db_index=True)),
                ("counter_id", fields.UUIDField(db_index=True)),
                ("product_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80, null=True)),
                ("description", fields.CharField(max_length=200, null=True)),
                ("start_date", fields.DatetimeField()),
                ("end_date", fields.DatetimeField(null=True)),
                ("pricing_bands", fields.JSONField(default=list)),
                ("cumulative", fields.BooleanField(default=True)),
                ("running_total_bill_in_advance", fields.BooleanField(default=True)),
                ("pro_rate_running_total", fields.BooleanField(default=True)),
                ("pro_rate_adjustment_debit", fields.BooleanField(default=True)),
                ("pro_rate_adjustment_credit", fields.BooleanField(default=True)),
            ],
            options=_options("counter_pricings", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CounterAdjustment",
            fields=[
                *_common(),
                ("counter_id", fields.UUIDField(db_index=True)),
                ("account_id", fields.UUIDField(db_index=True)),
                ("date", fields.DateField()),
                ("value", fields.BigIntField()),
                ("purchase_order_number", fields.CharField(max_length=100, null=True)),
            ],
            options=_options("counter_adjustments", (("organization_id", "counter_id", "account_id", "date"),)),
            bases=["TenantModel"],
        ),
        ops.AddField(model_name="BillLineItem", name="counter_id", field=fields.UUIDField(null=True)),
        ops.RunSQL(COUNTERS_SQL, reverse_sql=COUNTERS_REVERSE_SQL),
    ]
