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
from app.services.events.record import Connection
from app.services.events.rows import RowChange, record_row_events, row_snapshots

CREATED, UPDATED, APPROVED, LOCKED = (f"billing.bill.{a}" for a in ("created", "updated", "approved", "locked"))


def bill_snapshot(bill: Bill) -> dict[str, Any]:
    return entity_snapshot(bill)


async def bill_snapshots(
    connection: Connection, organization_id: uuid.UUID, bill_ids: Iterable[uuid.UUID], *, lock: bool = False
) -> dict[uuid.UUID, str]:
    return await row_snapshots(connection, organization_id, Bill, bill_ids, lock=lock)


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
