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


# Ad hoc charges (SEMANTICS §9) and plan groups (§10): the charges and plan group tables,
# account plans that attach a group instead of a plan (plan and product become optional),
# and the line item columns naming the charge and the plan group a line comes from.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0011_counters")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Charge",
            fields=[
                *_common(),
                ("account_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("currency", fields.CharField(max_length=80)),
                ("amount", NumericField(null=True)),
                ("units", NumericField(null=True)),
                ("unit_price", NumericField(null=True)),
                ("bill_date", fields.DateField()),
                ("service_period_start", fields.DatetimeField()),
                ("service_period_end", fields.DatetimeField()),
                ("description", fields.CharField(max_length=200, null=True)),
                ("notes", fields.CharField(max_length=200, null=True)),
                ("entity_type", fields.CharField(max_length=16, default="AD_HOC")),
                ("entity_id", fields.UUIDField(null=True)),
                ("line_item_type", fields.CharField(max_length=32, default="AD_HOC")),
                ("bill_id", fields.UUIDField(null=True, db_index=True)),
            ],
            options=_options("charges", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="PlanGroup",
            fields=[
                *_common(),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("currency", fields.CharField(max_length=80)),
                ("minimum_spend", NumericField(default=0)),
                ("standing_charge", NumericField(default=0)),
                ("minimum_spend_description", fields.CharField(max_length=200, null=True)),
                ("standing_charge_description", fields.CharField(max_length=200, null=True)),
                ("minimum_spend_bill_in_advance", fields.BooleanField(null=True)),
                ("standing_charge_bill_in_advance", fields.BooleanField(null=True)),
                ("account_id", fields.UUIDField(null=True, db_index=True)),
                ("custom_fields", fields.JSONField(default=dict)),
            ],
            options=_options("plan_groups", (("organization_id", "code"),)),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="PlanGroupLink",
            fields=[
                *_common(),
                ("plan_group_id", fields.UUIDField(db_index=True)),
                ("plan_id", fields.UUIDField(db_index=True)),
                ("product_id", fields.UUIDField()),
            ],
            options=_options("plan_group_links", (("organization_id", "plan_group_id", "product_id"),)),
            bases=["TenantModel"],
        ),
        ops.AddField(model_name="AccountPlan", name="plan_group_id", field=fields.UUIDField(db_index=True, null=True)),
        ops.AlterField(model_name="AccountPlan", name="plan_id", field=fields.UUIDField(db_index=True, null=True)),
        ops.AlterField(model_name="AccountPlan", name="product_id", field=fields.UUIDField(db_index=True, null=True)),
        ops.RunSQL(
            "ALTER TABLE account_plans ADD CONSTRAINT account_plans_plan_or_group"
            " CHECK ((plan_id IS NULL) <> (plan_group_id IS NULL))"
        ),
        ops.AddField(model_name="BillLineItem", name="charge_id", field=fields.UUIDField(null=True)),
        ops.AddField(model_name="BillLineItem", name="plan_group_id", field=fields.UUIDField(null=True)),
    ]
