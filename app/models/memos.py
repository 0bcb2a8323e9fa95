"""The reasons memo lines give (SEMANTICS §12.1): two picklists, CreditReason for
CREDIT_MEMO lines and DebitReason for DEBIT_MEMO lines. A reason in use is archived
rather than deleted, so the memo lines that name it keep a readable reason.

The memo lines themselves are bill line items (`app.models.billing.BillLineItem`, with
`reason_id` and the optional referenced bill and line)."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel


class MemoReason(TenantModel):
    name = fields.CharField(max_length=200)
    code = fields.CharField(max_length=80)
    archived = fields.BooleanField(default=False, db_default=False)

    class Meta:
        abstract = True


class CreditReason(MemoReason):
    class Meta:
        table = "credit_reasons"
        unique_together = (("organization_id", "code"),)


class DebitReason(MemoReason):
    class Meta:
        table = "debit_reasons"
        unique_together = (("organization_id", "code"),)
