"""Accounts (the organization's customers), plan attachments and commitments (SEMANTICS §5)."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class Account(TenantModel):
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    email_address = fields.CharField(max_length=254, null=True)
    address = fields.JSONField(null=True)
    parent_account_id = fields.UUIDField(null=True, db_index=True)
    bill_epoch = fields.DateField(null=True)
    currency = fields.CharField(max_length=80, null=True)  # null: the organization's
    days_before_bill_due = fields.IntField(null=True)
    purchase_order_number = fields.CharField(max_length=200, null=True)
    custom_fields = fields.JSONField(default=dict)
    # ["PREPAYMENT", "BALANCE"] in drawdown order (SEMANTICS §11.1); null: the organization's.
    credit_application_order = fields.JSONField(null=True)
    # Created by ingest for an unknown account code (SEMANTICS §5.1).
    auto_created = fields.BooleanField(default=False)

    class Meta:
        table = "accounts"
        unique_together = (("organization_id", "code"),)


class AccountPlan(TenantModel):
    account_id = fields.UUIDField(db_index=True)
    # Exactly one of plan_id and plan_group_id (SEMANTICS §10.1); a group's products are its links'.
    plan_id = fields.UUIDField(db_index=True, null=True)
    plan_group_id = fields.UUIDField(db_index=True, null=True)
    product_id = fields.UUIDField(db_index=True, null=True)  # the plan's, for the one-active-per-product rule
    code = fields.CharField(max_length=80, null=True)
    start_date = fields.DatetimeField()
    end_date = fields.DatetimeField(null=True)
    bill_epoch = fields.DateField(null=True)
    child_billing_mode = fields.CharField(max_length=20, default="PARENT_BREAKDOWN")
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "account_plans"


class Commitment(TenantModel):
    account_id = fields.UUIDField(db_index=True)
    code = fields.CharField(max_length=80, null=True)
    currency = fields.CharField(max_length=80)
    amount = NumericField()
    amount_pre_paid = NumericField(default=0)
    amount_first_bill = NumericField(default=0)
    amount_spent = NumericField(default=0)
    start_date = fields.DateField()
    end_date = fields.DateField()
    product_ids = fields.JSONField(default=list)
    line_item_types = fields.JSONField(default=list)
    overage_surcharge_percent = NumericField(null=True)
    separate_overage_usage = fields.BooleanField(default=False)
    # [{"date": "2026-01-01", "amount": "100", "servicePeriodStartDate": ..., "servicePeriodEndDate": ...}]
    fee_dates = fields.JSONField(default=list)
    billing_plan_id = fields.UUIDField(null=True)
    billing_interval = fields.IntField(null=True)
    billing_offset = fields.IntField(null=True)
    commitment_fee_bill_in_advance = fields.BooleanField(null=True)
    commitment_fee_description = fields.CharField(max_length=200, null=True)
    commitment_usage_description = fields.CharField(max_length=200, null=True)
    overage_description = fields.CharField(max_length=200, null=True)
    child_billing_mode = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "commitments"
