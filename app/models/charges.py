"""Ad hoc charges (SEMANTICS §9): one-off amounts billed to an account on a bill date.

A charge is either `amount`, or `units` × `unit_price`; the check lives in
`app.domain.billing.charges`. `bill_id` is set when a bill first carries the charge and
is never moved by a later plan bill of the same date (§9.2 rule 5).
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class Charge(TenantModel):
    account_id = fields.UUIDField(db_index=True)
    code = fields.CharField(max_length=80)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=80)
    amount = NumericField(null=True)  # exactly one of amount and (units, unit_price)
    units = NumericField(null=True)
    unit_price = NumericField(null=True)
    bill_date = fields.DateField()
    service_period_start = fields.DatetimeField()
    service_period_end = fields.DatetimeField()
    description = fields.CharField(max_length=200, null=True)  # null: the name
    notes = fields.CharField(max_length=200, null=True)
    entity_type = fields.CharField(max_length=16, default="AD_HOC")  # AD_HOC | BALANCE
    entity_id = fields.UUIDField(null=True)  # BALANCE: the balance
    line_item_type = fields.CharField(max_length=32, default="AD_HOC")  # AD_HOC | BALANCE_FEE
    bill_id = fields.UUIDField(null=True, db_index=True)

    class Meta:
        table = "charges"
        unique_together = (("organization_id", "code"),)
