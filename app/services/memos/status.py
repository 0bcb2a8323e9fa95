"""Setting an APPROVED bill back to PENDING by a person (SEMANTICS §12.1 rule 1: memos
change only on a PENDING bill), so it can be corrected and approved again. Such a bill is
never auto-approved again (§13.2 rule 4). A locked bill never changes (INVALID_STATE); a
bill already PENDING is answered as it is (a retry after a lost answer succeeds)."""

from __future__ import annotations

import uuid

from app.db import connection
from app.models.billing import Bill
from app.services.errors import ErrorCode, fail
from app.services.events.bills import UPDATED, bill_snapshots, record_bill_events


async def set_bill_pending(organization_id: uuid.UUID, bill_id: uuid.UUID, *, version: int, actor: str) -> Bill:
    async with connection() as conn, conn.transaction():
        row = await conn.fetchrow(
            "SELECT status, locked, version FROM bills WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            organization_id,
            bill_id,
        )
        if row is None:
            raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
        if row["version"] != version:
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {version} is stale; the current version is {row['version']}",
            )
        if row["locked"]:
            raise fail(("input", "id"), ErrorCode.INVALID_STATE, "the bill is locked and never changes again")
        if row["status"] != "PENDING":
            old = await bill_snapshots(conn, organization_id, [bill_id])
            await conn.execute(
                """UPDATE bills SET status = 'PENDING', auto_approve_blocked = true, version = version + 1,
                       dt_last_modified = now(), last_modified_by = $3
                   WHERE organization_id = $1 AND id = $2""",
                organization_id,
                bill_id,
                actor,
            )
            await record_bill_events(conn, organization_id, [(UPDATED, bill_id, old.get(bill_id))])
    return await Bill.get(organization_id=organization_id, id=bill_id)
