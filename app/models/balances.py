"""Prepaid balances, their credit transactions and the transaction type picklist (SEMANTICS §11).

A balance keeps no running amount: what is available is always derived from its
transactions (credits) and the BALANCE_CONSUMED lines of stored bills
(`app.services.balances.amounts`), so it cannot drift from the bills.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class Balance(TenantModel):
    account_id = fields.UUIDField(db_index=True)
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=80)
    start_date = fields.DatetimeField()
    end_date = fields.DatetimeField()  # exclusive
    rollover_end_date = fields.DatetimeField(null=True)  # exclusive; null: nothing rolls over
    rollover_amount = NumericField(null=True)  # cap on what rolls over; null: no cap
    product_ids = fields.JSONField(default=list)  # empty: every product
    line_item_types = fields.JSONField(default=list)  # empty: every eligible type
    overage_surcharge_percent = NumericField(null=True)
    balance_draw_down_description = fields.CharField(max_length=200, null=True)
    overage_description = fields.CharField(max_length=200, null=True)
    description = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "balances"
        unique_together = (("organization_id", "code"),)


class TransactionType(TenantModel):
    """Picklist naming why a balance was credited (a payment, a goodwill credit, ...)."""

    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    archived = fields.BooleanField(default=False)

    class Meta:
        table = "transaction_types"
        unique_together = (("organization_id", "code"),)


class BalanceTransaction(TenantModel):
    """A credit to a balance; never updated (deleted only while no locked bill drew on it)."""

    balance_id = fields.UUIDField(db_index=True)
    amount = NumericField()  # > 0, balance currency
    applied_date = fields.DatetimeField()  # < the balance's end date
    transaction_date = fields.DatetimeField(null=True)
    description = fields.CharField(max_length=200, null=True)
    paid = NumericField(null=True)  # informational
    currency_paid = fields.CharField(max_length=80, null=True)  # informational
    transaction_type_id = fields.UUIDField(null=True)

    class Meta:
        table = "balance_transactions"
