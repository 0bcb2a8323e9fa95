"""The bill a memo changes: found open and locked, then updated with the memo's change."""

from __future__ import annotations

import uuid
from decimal import Decimal

import asyncpg

from app.domain.billing.invoice_dates import lock_covers
from app.services.billing.lock_date import lock_date_for_share
from app.services.errors import ErrorCode, fail
from app.services.events.bills import UPDATED, bill_snapshots, record_bill_events

LOCKED = (
    "the bill is locked and never changes again; correct it with a memo on a later open bill of the account "
    "that references this bill's line (referencedBillId, referencedLineItemId)"
)


async def open_bill(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill_id: uuid.UUID, path: tuple[str, ...]
) -> asyncpg.Record:
    """The bill, locked `FOR UPDATE`, if memos may change on it (SEMANTICS §12.1 rule 1)."""
    lock_date = await lock_date_for_share(conn, organization_id)  # before the bill row, as bill writers do
    bill = await conn.fetchrow(
        "SELECT id, account_id, bill_date, status, locked, currency FROM bills"
        " WHERE organization_id = $1 AND id = $2 FOR UPDATE",
        organization_id,
        bill_id,
    )
    if bill is None:
        raise fail(path, ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
    if bill["locked"] or lock_covers(bill["bill_date"], lock_date):
        raise fail(path, ErrorCode.INVALID_STATE, LOCKED)
    if bill["status"] != "PENDING":
        raise fail(
            path,
            ErrorCode.INVALID_STATE,
            f"memo lines change only on a PENDING bill; this one is {bill['status']} (set it back to PENDING first)",
        )
    return bill


async def bill_changed(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill_id: uuid.UUID, difference: Decimal, actor: str
) -> None:
    """The bill's total moves by the memo's difference; a new version; a statement becomes
    stale; `billing.bill.updated` is recorded (SEMANTICS §14.1)."""
    old = await bill_snapshots(conn, organization_id, [bill_id])
    await conn.execute(
        """UPDATE bills SET bill_total = bill_total + $3, version = version + 1, dt_last_modified = now(),
               last_modified_by = $4, statement_stale = json_statement_generated OR csv_statement_generated
           WHERE organization_id = $1 AND id = $2""",
        organization_id,
        bill_id,
        difference,
        actor,
    )
    await record_bill_events(conn, organization_id, [(UPDATED, bill_id, old.get(bill_id))])
