from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from app.models.fields import NumericField


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


# Hand-written part: the new tables belong to their organization (a foreign key), and the
# draws of a balance are read by balance id from the line items.
BALANCES_SQL = [
    *(
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_organization_fk "
        "FOREIGN KEY (organization_id) REFERENCES organizations (id)"
        for table in ("balances", "balance_transactions", "transaction_types")
    ),
    "CREATE INDEX bill_line_items_balance_idx ON bill_line_items (organization_id, balance_id) "
    "WHERE balance_id IS NOT NULL",
    "CREATE INDEX balance_transactions_balance_idx ON balance_transactions (organization_id, balance_id)",
]
BALANCES_REVERSE_SQL = [
    "DROP INDEX IF EXISTS balance_transactions_balance_idx",
    "DROP INDEX IF EXISTS bill_line_items_balance_idx",
]


# Balances (SEMANTICS §11): balances, their credit transactions, the transaction type
# picklist, the credit application order of accounts and organizations, and the line item
# columns naming the balance a BALANCE_CONSUMED line draws on (and its rollover part).
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0012_charges_plan_groups")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Balance",
            fields=[
                *_common(),
                ("account_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("currency", fields.CharField(max_length=80)),
                ("start_date", fields.DatetimeField()),
                ("end_date", fields.DatetimeField()),
                ("rollover_end_date", fields.DatetimeField(null=True)),
                ("rollover_amount", NumericField(null=True)),
                ("product_ids", fields.JSONField(default=list)),
                ("line_item_types", fields.JSONField(default=list)),
                ("overage_surcharge_percent", NumericField(null=True)),
                ("balance_draw_down_description", fields.CharField(max_length=200, null=True)),
                ("overage_description", fields.CharField(max_length=200, null=True)),
                ("description", fields.CharField(max_length=200, null=True)),
            ],
            options=_options("balances", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="TransactionType",
            fields=[
                *_common(),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("archived", fields.BooleanField(default=False)),
            ],
            options=_options("transaction_types", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="BalanceTransaction",
            fields=[
                *_common(),
                ("balance_id", fields.UUIDField(db_index=True)),
                ("amount", NumericField()),
                ("applied_date", fields.DatetimeField()),
                ("transaction_date", fields.DatetimeField(null=True)),
                ("description", fields.CharField(max_length=200, null=True)),
                ("paid", NumericField(null=True)),
                ("currency_paid", fields.CharField(max_length=80, null=True)),
                ("transaction_type_id", fields.UUIDField(null=True)),
            ],
            options=_options("balance_transactions", ()),
            bases=["TenantModel"],
        ),
        ops.AddField(model_name="Account", name="credit_application_order", field=fields.JSONField(null=True)),
        ops.AddField(
            model_name="OrganizationConfig", name="credit_application_order", field=fields.JSONField(null=True)
        ),
        ops.AddField(model_name="BillLineItem", name="balance_id", field=fields.UUIDField(null=True)),
        ops.AddField(model_name="BillLineItem", name="rollover_consumed", field=NumericField(null=True)),
        ops.RunSQL(BALANCES_SQL, reverse_sql=BALANCES_REVERSE_SQL),
    ]
