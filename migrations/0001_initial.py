import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from app.models.fields import NumericField


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="AccessKey",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("service_user_id", fields.UUIDField(db_index=True)),
                ("access_key_id", fields.CharField(unique=True, max_length=64)),
                ("secret_hash", fields.CharField(max_length=128)),
                ("status", fields.CharField(default="ACTIVE", max_length=16)),
            ],
            options={"table": "access_keys", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Account",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("email_address", fields.CharField(null=True, max_length=254)),
                (
                    "address",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("parent_account_id", fields.UUIDField(null=True, db_index=True)),
                ("bill_epoch", fields.DateField(null=True)),
                ("currency", fields.CharField(null=True, max_length=80)),
                ("days_before_bill_due", fields.IntField(null=True)),
                ("purchase_order_number", fields.CharField(null=True, max_length=200)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("auto_created", fields.BooleanField(default=False)),
            ],
            options={
                "table": "accounts",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="AccountPlan",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("account_id", fields.UUIDField(db_index=True)),
                ("plan_id", fields.UUIDField(db_index=True)),
                ("product_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(null=True, max_length=80)),
                ("start_date", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("end_date", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("bill_epoch", fields.DateField(null=True)),
                ("child_billing_mode", fields.CharField(default="PARENT_BREAKDOWN", max_length=20)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={"table": "account_plans", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Aggregation",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("product_id", fields.UUIDField(null=True, db_index=True)),
                ("meter_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("target_field", fields.CharField(max_length=80)),
                ("aggregation", fields.CharField(max_length=16)),
                ("quantity_per_unit", NumericField(default=1)),
                ("rounding", fields.CharField(default="NONE", max_length=16)),
                ("unit", fields.CharField(null=True, max_length=80)),
                (
                    "segmented_fields",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "segments",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("default_value", NumericField(null=True)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "aggregations",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Commitment",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("account_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(null=True, max_length=80)),
                ("currency", fields.CharField(max_length=80)),
                ("amount", NumericField()),
                ("amount_pre_paid", NumericField(default=0)),
                ("amount_first_bill", NumericField(default=0)),
                ("amount_spent", NumericField(default=0)),
                ("start_date", fields.DateField()),
                ("end_date", fields.DateField()),
                (
                    "product_ids",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "line_item_types",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("overage_surcharge_percent", NumericField(null=True)),
                ("separate_overage_usage", fields.BooleanField(default=False)),
                (
                    "fee_dates",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("billing_plan_id", fields.UUIDField(null=True)),
                ("billing_interval", fields.IntField(null=True)),
                ("billing_offset", fields.IntField(null=True)),
                ("commitment_fee_bill_in_advance", fields.BooleanField(null=True)),
                ("commitment_fee_description", fields.CharField(null=True, max_length=200)),
                ("commitment_usage_description", fields.CharField(null=True, max_length=200)),
                ("overage_description", fields.CharField(null=True, max_length=200)),
                ("child_billing_mode", fields.CharField(null=True, max_length=20)),
            ],
            options={"table": "commitments", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CompoundAggregation",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("product_id", fields.UUIDField(null=True, db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("calculation", fields.TextField(unique=False)),
                ("quantity_per_unit", NumericField(default=1)),
                ("rounding", fields.CharField(default="NONE", max_length=16)),
                ("unit", fields.CharField(null=True, max_length=80)),
                ("evaluate_null_aggregations", fields.BooleanField(default=False)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "compound_aggregations",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Currency",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("max_decimal_places", fields.IntField(default=2)),
                ("rounding_mode", fields.CharField(default="HALF_UP", max_length=16)),
            ],
            options={
                "table": "currencies",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Meter",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("product_id", fields.UUIDField(null=True, db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                (
                    "data_fields",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "derived_fields",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "meters",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Organization",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "organizations", "app": "metergraph", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OrganizationConfig",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("timezone", fields.CharField(default="UTC", max_length=64)),
                ("currency", fields.CharField(default="USD", max_length=80)),
                ("day_epoch", fields.DateField()),
                ("week_epoch", fields.DateField()),
                ("month_epoch", fields.DateField()),
                ("year_epoch", fields.DateField()),
                ("days_before_bill_due", fields.IntField(default=30)),
                ("standing_charge_bill_in_advance", fields.BooleanField(default=False)),
                ("minimum_spend_bill_in_advance", fields.BooleanField(default=False)),
                ("commitment_fee_bill_in_advance", fields.BooleanField(default=False)),
                (
                    "currency_conversions",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("allow_overlapping_plans", fields.BooleanField(default=False)),
                ("bill_prefix", fields.CharField(null=True, max_length=80)),
                ("sequence_start_number", fields.IntField(default=0)),
                ("last_invoice_number", fields.IntField(null=True)),
                ("suppressed_empty_bills", fields.BooleanField(default=False)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "organization_configs",
                "app": "metergraph",
                "unique_together": (("organization_id",),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="PermissionPolicy",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("managed", fields.BooleanField(default=False)),
                (
                    "statements",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "permission_policies",
                "app": "metergraph",
                "unique_together": (("organization_id", "name"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Plan",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("plan_template_id", fields.UUIDField(db_index=True)),
                ("product_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("account_id", fields.UUIDField(null=True, db_index=True)),
                ("standing_charge", NumericField(null=True)),
                ("standing_charge_description", fields.CharField(null=True, max_length=200)),
                ("standing_charge_bill_in_advance", fields.BooleanField(null=True)),
                ("minimum_spend", NumericField(null=True)),
                ("minimum_spend_description", fields.CharField(null=True, max_length=200)),
                ("minimum_spend_bill_in_advance", fields.BooleanField(null=True)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "plans",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="PlanTemplate",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("product_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("currency", fields.CharField(max_length=80)),
                ("bill_frequency", fields.CharField(max_length=16)),
                ("bill_frequency_interval", fields.IntField(default=1)),
                ("standing_charge", NumericField(default=0)),
                ("standing_charge_description", fields.CharField(null=True, max_length=200)),
                ("standing_charge_interval", fields.IntField(default=1)),
                ("standing_charge_offset", fields.IntField(default=0)),
                ("standing_charge_bill_in_advance", fields.BooleanField(null=True)),
                ("minimum_spend", NumericField(default=0)),
                ("minimum_spend_description", fields.CharField(null=True, max_length=200)),
                ("minimum_spend_bill_in_advance", fields.BooleanField(null=True)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "plan_templates",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="PolicyAttachment",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("policy_id", fields.UUIDField(db_index=True)),
                ("principal_type", fields.CharField(max_length=16)),
                ("principal_id", fields.UUIDField(db_index=True)),
            ],
            options={
                "table": "policy_attachments",
                "app": "metergraph",
                "unique_together": (("organization_id", "policy_id", "principal_type", "principal_id"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Pricing",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("plan_id", fields.UUIDField(null=True, db_index=True)),
                ("plan_template_id", fields.UUIDField(null=True, db_index=True)),
                ("aggregation_id", fields.UUIDField(null=True, db_index=True)),
                ("compound_aggregation_id", fields.UUIDField(null=True, db_index=True)),
                ("product_id", fields.UUIDField(db_index=True)),
                ("code", fields.CharField(null=True, max_length=80)),
                ("description", fields.CharField(null=True, max_length=200)),
                ("start_date", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("end_date", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "pricing_bands",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "overage_pricing_bands",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("cumulative", fields.BooleanField(default=True)),
                ("tiers_span_plan", fields.BooleanField(default=False)),
                ("type", fields.CharField(default="DEBIT", max_length=16)),
                (
                    "segment",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("minimum_spend", NumericField(default=0)),
                ("minimum_spend_description", fields.CharField(null=True, max_length=200)),
                ("minimum_spend_bill_in_advance", fields.BooleanField(null=True)),
            ],
            options={"table": "pricings", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Product",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("code", fields.CharField(max_length=80)),
                ("name", fields.CharField(max_length=200)),
                (
                    "custom_fields",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "products",
                "app": "metergraph",
                "unique_together": (("organization_id", "code"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="ServiceUser",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.CharField(null=True, max_length=200)),
            ],
            options={
                "table": "service_users",
                "app": "metergraph",
                "unique_together": (("organization_id", "name"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("email", fields.CharField(max_length=254)),
                ("first_name", fields.CharField(max_length=200)),
                ("last_name", fields.CharField(max_length=200)),
                ("password_hash", fields.CharField(null=True, max_length=200)),
                ("invitation_token_hash", fields.CharField(null=True, db_index=True, max_length=128)),
                ("invitation_expires", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="INVITED", max_length=16)),
            ],
            options={
                "table": "users",
                "app": "metergraph",
                "unique_together": (("organization_id", "email"),),
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
    ]
