"""Bill lifecycle (SEMANTICS §7.5): approving and locking bills.

- `approveBills`: PENDING → APPROVED, all or nothing. An unknown (or another
  organization's) bill is NOT_FOUND, a malformed id INVALID and a locked bill
  INVALID_STATE, each at its index in the input (`["input", "billIds", "<i>"]`), in
  input order (the same rules as `recalculateBills`). A bill already APPROVED stays as it is:
  approving is idempotent, so a client retrying after a lost answer gets success.
- `lockBill`: APPROVED → locked. The version the client read must be current
  (CONFLICT); a PENDING bill and a bill already locked are INVALID_STATE.

Concurrency: the rows are read `FOR UPDATE` inside the transaction that changes them,
in id order (two approvals of overlapping sets cannot deadlock). A recalculation writes
the same rows, so an approval and a recalculation of one bill are serialized by
PostgreSQL: whichever commits second sees the other's result (an approval after a
recalculation approves the new figures; a recalculation after an approval, which must
check `locked` on the row it locks, returns the bill to PENDING).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.models.billing import Bill
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.events import bills as bill_events
from app.services.versioning import refuse_stale

PENDING, APPROVED = "PENDING", "APPROVED"
MAX_APPROVE = 1000


def _parse(values: Sequence[Any]) -> list[uuid.UUID | None]:
    parsed: list[uuid.UUID | None] = []
    for value in values:
        try:
            parsed.append(uuid.UUID(str(value)))
        except ValueError:
            parsed.append(None)
    return parsed


def _changed(actor: str, **changes: Any) -> dict[str, Any]:
    return {
        **changes,
        "version": F("version") + 1,
        "last_modified_by": actor,
        "dt_last_modified": datetime.now(UTC),
    }


async def approve_bills(organization_id: uuid.UUID, bill_ids: Sequence[Any], *, actor: str) -> list[Bill]:
    """The bills, approved, in the order first named (duplicates named once)."""
    if not bill_ids:
        raise fail(("input", "billIds"), ErrorCode.REQUIRED, "name at least one bill")
    if len(bill_ids) > MAX_APPROVE:
        raise fail(("input", "billIds"), ErrorCode.INVALID, f"at most {MAX_APPROVE} bills at a time")
    problems = ProblemCollector(base=("input", "billIds"))
    parsed = _parse(bill_ids)
    wanted = list(dict.fromkeys(p for p in parsed if p is not None))
    async with in_transaction() as connection:
        rows = await (
            Bill.filter(organization_id=organization_id, id__in=wanted)
            .order_by("id")
            .select_for_update()
            .using_db(connection)
        )
        by_id = {row.id: row for row in rows}
        for index, bill_id in enumerate(parsed):
            row = by_id.get(bill_id) if bill_id is not None else None
            if bill_id is None:
                problems.add(str(index), ErrorCode.INVALID, f"{bill_ids[index]!r} is not an id")
            elif row is None:
                problems.add(str(index), ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
            elif row.locked:
                problems.add(str(index), ErrorCode.INVALID_STATE, f"bill {bill_id} is locked and cannot change")
        problems.raise_if_any()  # inside the transaction: the row locks are released on rollback
        pending = [row.id for row in rows if row.status == PENDING]
        if pending:
            await (
                Bill.filter(organization_id=organization_id, id__in=pending)
                .using_db(connection)
                .update(**_changed(actor, status=APPROVED))
            )
            old = {row.id: bill_events.bill_snapshot(row) for row in rows}
            await bill_events.record_bill_events(
                connection, organization_id, [(bill_events.APPROVED, bill_id, old[bill_id]) for bill_id in pending]
            )
        updated = {
            row.id: row
            for row in await Bill.filter(organization_id=organization_id, id__in=wanted).using_db(connection)
        }
    return [updated[bill_id] for bill_id in wanted]


async def lock_bill(organization_id: uuid.UUID, bill_id: uuid.UUID, *, version: int, actor: str) -> Bill:
    async with in_transaction() as connection:
        row = await (
            Bill.filter(organization_id=organization_id, id=bill_id).select_for_update().using_db(connection).first()
        )
        if row is None:
            raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
        refuse_stale(row, version)
        if row.locked:
            raise fail(("input", "id"), ErrorCode.INVALID_STATE, "the bill is already locked")
        if row.status != APPROVED:
            raise fail(
                ("input", "id"),
                ErrorCode.INVALID_STATE,
                f"only an APPROVED bill can be locked; this one is {row.status}",
            )
        await (
            Bill.filter(organization_id=organization_id, id=bill_id)
            .using_db(connection)
            .update(**_changed(actor, locked=True))
        )
        await bill_events.record_bill_events(
            connection, organization_id, [(bill_events.LOCKED, bill_id, bill_events.bill_snapshot(row))]
        )
        return await Bill.filter(organization_id=organization_id, id=bill_id).using_db(connection).get()
