"""Bill events (SEMANTICS §14.1): `billing.bill.created|updated|approved|locked`, written
set-based from the `bills` rows (rows.py), so a bill job's chunk pays one statement for all
its bill events and one more to read the rows it is about to change (for `old`). The
payload is the bill without line items (they are rows of their own)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from app.models.billing import Bill, BillJob
from app.services.events.payloads import entity_snapshot
from app.services.events.record import Connection, fetch_rows
from app.services.events.rows import RowChange, record_row_events, row_json_sql, row_snapshots

CREATED, UPDATED, APPROVED, LOCKED = (f"billing.bill.{a}" for a in ("created", "updated", "approved", "locked"))


def bill_snapshot(bill: Bill) -> dict[str, Any]:
    return entity_snapshot(bill)


async def bill_snapshots(
    connection: Connection, organization_id: uuid.UUID, bill_ids: Iterable[uuid.UUID], *, lock: bool = False
) -> dict[uuid.UUID, str]:
    return await row_snapshots(connection, organization_id, Bill, bill_ids, lock=lock)


async def bill_snapshots_by_key(
    connection: Connection, organization_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, Any, str]]
) -> dict[uuid.UUID, str]:
    """Like `bill_snapshots`, for the bills that exist with these (account, bill date,
    frequency) keys."""
    if not keys:
        return {}
    accounts, dates, frequencies = (list(column) for column in zip(*keys))
    rows = await fetch_rows(
        connection,
        f"""SELECT r.id, ({row_json_sql(Bill)})::text AS snapshot FROM bills AS r
            JOIN unnest($2::uuid[], $3::date[], $4::varchar[]) AS k(account_id, bill_date, billing_frequency)
              ON r.account_id = k.account_id AND r.bill_date = k.bill_date
             AND r.billing_frequency = k.billing_frequency
            WHERE r.organization_id = $1""",
        [organization_id, accounts, dates, frequencies],
    )
    return {row["id"]: row["snapshot"] for row in rows}


async def record_bill_events(connection: Connection, organization_id: uuid.UUID, changes: Sequence[RowChange]) -> int:
    """Record (type, bill id, old snapshot or None) events with the bills' current rows as
    `new`, in one statement inside the change's transaction."""
    return await record_row_events(connection, organization_id, Bill, changes)


JOB_EVENTS = {
    "COMPLETE": "billing.billjob.completed",
    "FAILED": "billing.billjob.failed",
    "CANCELLED": "billing.billjob.cancelled",
}


async def record_job_event(connection: Connection, organization_id: uuid.UUID, job_id: uuid.UUID, status: str) -> None:
    """`billing.billjob.<completed|failed|cancelled>` with the job as it ended ({new}), in the
    transaction of the transition; other statuses record nothing."""
    if status in JOB_EVENTS:
        await record_row_events(connection, organization_id, BillJob, [(JOB_EVENTS[status], job_id, None)])
