"""Plan groups (SEMANTICS §10): plans of several products sold together under one
minimum spend and standing charge, attached through an account plan's `plan_group_id`.

A link holds the product of its plan so that "one plan per product per group" is a
unique constraint, not a hope.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class PlanGroup(TenantModel):
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=80)
    minimum_spend = NumericField(default=0)
    standing_charge = NumericField(default=0)
    minimum_spend_description = fields.CharField(max_length=200, null=True)
    standing_charge_description = fields.CharField(max_length=200, null=True)
    minimum_spend_bill_in_advance = fields.BooleanField(null=True)  # null: the organization's
    standing_charge_bill_in_advance = fields.BooleanField(null=True)
    account_id = fields.UUIDField(null=True, db_index=True)  # bespoke to this account
    custom_fields = fields.JSONField(default=dict)

    class Meta:
        table = "plan_groups"
        unique_together = (("organization_id", "code"),)


class PlanGroupLink(TenantModel):
    plan_group_id = fields.UUIDField(db_index=True)
    plan_id = fields.UUIDField(db_index=True)
    product_id = fields.UUIDField()  # the plan's

    class Meta:
        table = "plan_group_links"
        unique_together = (("organization_id", "plan_group_id", "product_id"),)
