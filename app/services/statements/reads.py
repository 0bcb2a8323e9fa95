"""Reading a stored statement back for download (SEMANTICS §12.2 rule 4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.models.billing import Bill
from app.models.statements import BillStatement


class StatementNotFound(LookupError):
    """No such bill in the organization, or its statement in that format was never generated."""


@dataclass(frozen=True)
class StoredStatement:
    document: str
    bill_version: int
    stale: bool


async def read_statement(organization_id: uuid.UUID, bill_id: uuid.UUID, format: str) -> StoredStatement:
    bill = await Bill.filter(organization_id=organization_id, id=bill_id).only("id", "statement_stale").first()
    if bill is None:
        raise StatementNotFound(f"no bill {bill_id}")
    stored = await BillStatement.filter(organization_id=organization_id, bill_id=bill_id, format=format).first()
    if stored is None:
        raise StatementNotFound(f"no {format} statement of bill {bill_id} was generated")
    return StoredStatement(stored.document, stored.bill_version, bill.statement_stale)
