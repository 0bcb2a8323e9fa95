"""Stored bill statements (SEMANTICS §12.2): one document per (bill, format), replaced
when regenerated. `bill_version` is the version of the bill the document shows; the
bill's own `statement_stale` says whether it has changed since."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel


class BillStatement(TenantModel):
    bill_id = fields.UUIDField()
    format = fields.CharField(max_length=8)  # JSON | CSV
    bill_version = fields.IntField()
    document = fields.TextField()

    class Meta:
        table = "bill_statements"
        unique_together = (("organization_id", "bill_id", "format"),)
