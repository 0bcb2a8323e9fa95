"""Counters (SEMANTICS §8.1): unit counts per account such as seats, their pricings on
plans and plan templates, and the adjustments that set an account's count from a date.

Pricing bands are a JSON column with decimals as strings, like `Pricing.pricing_bands`.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel


class Counter(TenantModel):
    product_id = fields.UUIDField(null=True, db_index=True)  # null: global counter
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    unit = fields.CharField(max_length=80)

    class Meta:
        table = "counters"
        unique_together = (("organization_id", "code"),)


class CounterPricing(TenantModel):
    plan_id = fields.UUIDField(null=True, db_index=True)
    plan_template_id = fields.UUIDField(null=True, db_index=True)
    counter_id = fields.UUIDField(db_index=True)
    product_id = fields.UUIDField(db_index=True)  # of the plan or template
    code = fields.CharField(max_length=80, null=True)
    description = fields.CharField(max_length=200, null=True)
    start_date = fields.DatetimeField()
    end_date = fields.DatetimeField(null=True)
    # [{"lowerLimit": "0", "unitPrice": "10", "fixedPrice": "0"}]
    pricing_bands = fields.JSONField(default=list)
    cumulative = fields.BooleanField(default=True)
    running_total_bill_in_advance = fields.BooleanField(default=True)
    pro_rate_running_total = fields.BooleanField(default=True)
    pro_rate_adjustment_debit = fields.BooleanField(default=True)
    pro_rate_adjustment_credit = fields.BooleanField(default=True)

    class Meta:
        table = "counter_pricings"
        unique_together = (("organization_id", "code"),)


class CounterAdjustment(TenantModel):
    counter_id = fields.UUIDField(db_index=True)
    account_id = fields.UUIDField(db_index=True)
    date = fields.DateField()
    value = fields.BigIntField()
    purchase_order_number = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "counter_adjustments"
        unique_together = (("organization_id", "counter_id", "account_id", "date"),)
