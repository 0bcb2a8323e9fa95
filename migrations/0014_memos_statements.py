from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Memo lines and bill statements (SEMANTICS §12): the credit and debit reason picklists,
# the memo columns of line items (reason, referenced bill and line), the statement flags
# of bills, the organization's autoGenerateStatementMode, and the stored statements.
# Hand-written part: the new tables' foreign key to the organization, and the index the
# credit cap reads (the credit memos referencing one line).
MEMOS_SQL = [
    """ALTER TABLE credit_reasons ADD CONSTRAINT credit_reasons_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
    """ALTER TABLE debit_reasons ADD CONSTRAINT debit_reasons_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
    """ALTER TABLE bill_statements ADD CONSTRAINT bill_statements_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
    "CREATE INDEX bill_line_items_referenced_idx ON bill_line_items (organization_id, referenced_line_item_id) "
    "WHERE referenced_line_item_id IS NOT NULL",
]
MEMOS_REVERSE_SQL = [
    "DROP INDEX IF EXISTS bill_line_items_referenced_idx",
    "ALTER TABLE bill_statements DROP CONSTRAINT IF EXISTS bill_statements_organization_fk",
    "ALTER TABLE debit_reasons DROP CONSTRAINT IF EXISTS debit_reasons_organization_fk",
    "ALTER TABLE credit_reasons DROP CONSTRAINT IF EXISTS credit_reasons_organization_fk",
]


def _tenant_fields() -> list:
    return [
        ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
        ("organization_id", fields.UUIDField(db_index=True)),
        ("version", fields.IntField(default=1)),
        ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("created_by", fields.CharField(null=True, max_length=80)),
        ("last_modified_by", fields.CharField(null=True, max_length=80)),
    ]


def _reason(name: str, table: str) -> ops.CreateModel:
    return ops.CreateModel(
        name=name,
        fields=[
            *_tenant_fields(),
            ("name", fields.CharField(max_length=200)),
            ("code", fields.CharField(max_length=80)),
            ("archived", fields.BooleanField(default=False, db_default=False)),
        ],
        options={
            "table": table,
            "app": "metergraph",
            "pk_attr": "id",
            "unique_together": (("organization_id", "code"),),
        },
        bases=["TenantModel"],
    )


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0013_balances")]

    initial = False

    operations = [
        _reason("CreditReason", "credit_reasons"),
        _reason("DebitReason", "debit_reasons"),
        ops.CreateModel(
            name="BillStatement",
            fields=[
                *_tenant_fields(),
                ("bill_id", fields.UUIDField()),
                ("format", fields.CharField(max_length=8)),
                ("bill_version", fields.IntField()),
                ("document", fields.TextField()),
            ],
            options={
                "table": "bill_statements",
                "app": "metergraph",
                "pk_attr": "id",
                "unique_together": (("organization_id", "bill_id", "format"),),
            },
            bases=["TenantModel"],
        ),
        ops.AddField(model_name="BillLineItem", name="reason_id", field=fields.UUIDField(null=True)),
        ops.AddField(model_name="BillLineItem", name="referenced_bill_id", field=fields.UUIDField(null=True)),
        ops.AddField(model_name="BillLineItem", name="referenced_line_item_id", field=fields.UUIDField(null=True)),
        ops.AddField(
            model_name="Bill",
            name="json_statement_generated",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Bill",
            name="csv_statement_generated",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Bill", name="statement_stale", field=fields.BooleanField(default=False, db_default=False)
        ),
        ops.AddField(
            model_name="OrganizationConfig",
            name="auto_generate_statement_mode",
            field=fields.CharField(max_length=16, default="NONE", db_default="NONE"),
        ),
        ops.RunSQL(MEMOS_SQL, reverse_sql=MEMOS_REVERSE_SQL),
    ]
