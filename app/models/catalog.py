"""The pricing catalog (SEMANTICS §3–4): products, meters, aggregations, compound
aggregations, plan templates, plans and pricings.

Small parts that are always read with their owner (meter fields, segments, pricing bands)
are JSON columns; decimals inside them are stored as strings so they stay exact.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class Product(TenantModel):
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "products"
        unique_together = (("organization_id", "code"),)


class Meter(TenantModel):
    product_id = fields.UUIDField(null=True, db_index=True)  # null: global meter
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    # [{"category": "MEASURE", "code": "gb", "name": "GB", "unit": "GB"}]
    data_fields = fields.JSONField(default=list)
    # the same plus "calculation"
    derived_fields = fields.JSONField(default=list)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "meters"
        unique_together = (("organization_id", "code"),)


class Aggregation(TenantModel):
    product_id = fields.UUIDField(null=True, db_index=True)  # follows the meter
    meter_id = fields.UUIDField(db_index=True)
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    target_field = fields.CharField(max_length=80)
    aggregation = fields.CharField(max_length=16)  # SUM MIN MAX COUNT LATEST MEAN UNIQUE
    quantity_per_unit = NumericField(default=1)
    rounding = fields.CharField(max_length=16, default="NONE")
    unit = fields.CharField(max_length=80, null=True)
    segmented_fields = fields.JSONField(default=list)
    segments = fields.JSONField(default=list)
    default_value = NumericField(null=True)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "aggregations"
        unique_together = (("organization_id", "code"),)


class CompoundAggregation(TenantModel):
    product_id = fields.UUIDField(null=True, db_index=True)
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    calculation = fields.TextField()
    quantity_per_unit = NumericField(default=1)
    rounding = fields.CharField(max_length=16, default="NONE")
    unit = fields.CharField(max_length=80, null=True)
    evaluate_null_aggregations = fields.BooleanField(default=False)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "compound_aggregations"
        unique_together = (("organization_id", "code"),)


class PlanTemplate(TenantModel):
    product_id = fields.UUIDField(db_index=True)
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=80)
    bill_frequency = fields.CharField(max_length=16)
    bill_frequency_interval = fields.IntField(default=1)
    standing_charge = NumericField(default=0)
    standing_charge_description = fields.CharField(max_length=200, null=True)
    standing_charge_interval = fields.IntField(default=1)
    standing_charge_offset = fields.IntField(default=0)
    standing_charge_bill_in_advance = fields.BooleanField(null=True)  # null: organization default
    minimum_spend = NumericField(default=0)
    minimum_spend_description = fields.CharField(max_length=200, null=True)
    minimum_spend_bill_in_advance = fields.BooleanField(null=True)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "plan_templates"
        unique_together = (("organization_id", "code"),)


class Plan(TenantModel):
    plan_template_id = fields.UUIDField(db_index=True)
    product_id = fields.UUIDField(db_index=True)  # the template's, kept for filtering
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    account_id = fields.UUIDField(null=True, db_index=True)  # bespoke plan
    # Overrides: null reads through to the template (SEMANTICS §4.2).
    standing_charge = NumericField(null=True)
    standing_charge_description = fields.CharField(max_length=200, null=True)
    standing_charge_bill_in_advance = fields.BooleanField(null=True)
    minimum_spend = NumericField(null=True)
    minimum_spend_description = fields.CharField(max_length=200, null=True)
    minimum_spend_bill_in_advance = fields.BooleanField(null=True)
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "plans"
        unique_together = (("organization_id", "code"),)


class Pricing(TenantModel):
    plan_id = fields.UUIDField(null=True, db_index=True)
    plan_template_id = fields.UUIDField(null=True, db_index=True)
    aggregation_id = fields.UUIDField(null=True, db_index=True)
    compound_aggregation_id = fields.UUIDField(null=True, db_index=True)
    product_id = fields.UUIDField(db_index=True)  # of the plan or template
    code = fields.CharField(max_length=80, null=True)
    description = fields.CharField(max_length=200, null=True)
    start_date = fields.DatetimeField()
    end_date = fields.DatetimeField(null=True)
    # [{"lowerLimit": "0", "unitPrice": "0.15", "fixedPrice": "0"}]
    pricing_bands = fields.JSONField(default=list)
    overage_pricing_bands = fields.JSONField(default=list)
    cumulative = fields.BooleanField(default=True)
    tiers_span_plan = fields.BooleanField(default=False)
    type = fields.CharField(max_length=16, default="DEBIT")
    segment = fields.JSONField(null=True)
    minimum_spend = NumericField(default=0)
    minimum_spend_description = fields.CharField(max_length=200, null=True)
    minimum_spend_bill_in_advance = fields.BooleanField(null=True)

    class Meta:
        table = "pricings"
