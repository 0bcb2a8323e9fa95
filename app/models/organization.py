"""Organization (the tenant), its configuration and its currencies (SEMANTICS §2.1–2.2)."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from app.models.base import TenantModel
from app.models.fields import NumericField


class Organization(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    name = fields.CharField(max_length=200)
    dt_created = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organizations"


class OrganizationConfig(TenantModel):
    timezone = fields.CharField(max_length=64, default="UTC")
    currency = fields.CharField(max_length=80, default="USD")
    day_epoch = fields.DateField()
    week_epoch = fields.DateField()
    month_epoch = fields.DateField()
    year_epoch = fields.DateField()
    days_before_bill_due = fields.IntField(default=30)
    standing_charge_bill_in_advance = fields.BooleanField(default=False)
    minimum_spend_bill_in_advance = fields.BooleanField(default=False)
    commitment_fee_bill_in_advance = fields.BooleanField(default=False)
    # [{"from": "GBP", "to": "USD", "multiplier": "1.25"}]; multipliers kept as strings
    # so they stay exact decimals through JSON.
    currency_conversions = fields.JSONField(default=list)
    allow_overlapping_plans = fields.BooleanField(default=False)
    bill_prefix = fields.CharField(max_length=80, null=True)
    sequence_start_number = fields.IntField(default=0)
    # The last sequential invoice number handed out; advanced under a row lock.
    last_invoice_number = fields.IntField(null=True)
    suppressed_empty_bills = fields.BooleanField(default=False)
    custom_fields = fields.JSONField(default=dict)
    # Only the rate limits an administrator changed, {name: {"requestsPerSecond", "burst"}};
    # null or absent means the defaults (app.services.rate_limits.config).
    rate_limits = fields.JSONField(null=True)
    # FIRST_DAY_OF_NEXT_PERIOD | LAST_DAY_OF_ARREARS (SEMANTICS §13.2 rule 6).
    external_invoice_date = fields.CharField(
        max_length=32, default="FIRST_DAY_OF_NEXT_PERIOD", db_default="FIRST_DAY_OF_NEXT_PERIOD"
    )
    # Scheduled billing (SEMANTICS §13.1): interval in hours (0 = off), the local hour of the
    # daily run, and the auto-approval grace period (both null = no auto-approval).
    scheduled_bill_interval = NumericField(default=0, db_default=0)
    scheduled_bill_offset = fields.IntField(default=0, db_default=0)
    auto_approve_bills_grace_period = fields.IntField(null=True)
    auto_approve_bills_grace_period_unit = fields.CharField(max_length=16, null=True)  # MINUTES | HOURS | DAYS
    # Days an export job's file is kept before it is deleted (SEMANTICS §15.2 rule 3), 1–90.
    export_retention_days = fields.IntField(default=7, db_default=7)
    # Drawdown order of credit sources (SEMANTICS §11.1), overridden per account; null: the
    # default ["PREPAYMENT", "BALANCE"].
    credit_application_order = fields.JSONField(null=True)
    # Statements generated when a bill is approved or locked (SEMANTICS §12.2 rule 2): NONE | JSON | JSON_AND_CSV.
    auto_generate_statement_mode = fields.CharField(max_length=16, default="NONE", db_default="NONE")

    class Meta:
        table = "organization_configs"
        unique_together = (("organization_id",),)


class Currency(TenantModel):
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    max_decimal_places = fields.IntField(default=2)
    rounding_mode = fields.CharField(max_length=16, default="HALF_UP")

    class Meta:
        table = "currencies"
        unique_together = (("organization_id", "code"),)
