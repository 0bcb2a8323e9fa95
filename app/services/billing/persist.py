"""Storing a composed bill: one transaction per bill, guarded by its unique key.

Bill jobs store a chunk's bills together (`persist_many`, the same rules) and come here
for a bill alone: an empty bill to suppress, or each bill of a chunk that could not be
stored together.

- The key (organization, account, bill date, frequency) makes a re-run, a second job or
  a second worker recalculate the bill in place: the row is inserted if missing
  (`ON CONFLICT DO NOTHING`, which waits for a concurrent inserter), then locked with
  `FOR UPDATE`, so two writers of one bill take turns and its line items are replaced
  whole, never interleaved.
- A locked bill is never changed: it is skipped and reported as such (SEMANTICS §7.5);
  nor is a bill created or changed inside the lock date's range (§13.2 rule 5).
- A recalculated bill returns to PENDING (an APPROVED one too), gets the job's id, the
  calculation time, the account's current purchase order number, and its total.
- Sequential invoice number: given once, the first time the bill is stored while the
  organization has a bill prefix (`bill_rows.number_bills`, shared with `persist_many`).
  Recalculation keeps the number.
- suppressedEmptyBills: a bill without lines is not stored, and an existing unlocked bill
  that has no lines left is deleted with its line items **(decision: a re-run gives what
  a fresh run would; its invoice number, if any, is not reused)**, unless it has memo
  lines: a person's lines keep the bill (SEMANTICS §12.1 rule 2).
- A bill with a statement that is recalculated gets `statement_stale` (§12.2 rule 3).
- A bill that would not change is left alone (no new version, status, line items or
  event), here as in a chunk (`persist_many`): any bill of a scheduled run (§13.2 rule 3,
  `unchanged`), and a bill the same job stored before (KEPT: its chunk was retried after a
  crash or a transient error, so each bill's change is written, and its event recorded,
  once, §7.4, §14.2).

Lock order in every transaction: the account row (a bill drawing on commitments:
`draws.settle_draws`, which also decides its draw again), the bill row, then the
organization config row. No transaction here takes them the other way round, so they
cannot deadlock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

import asyncpg

from app.db import connection
from app.domain.billing import ComposedBill
from app.domain.billing.invoice_dates import (
    DEFAULT_EXTERNAL_INVOICE_DATE,
    ExternalInvoiceDate,
    external_invoice_date,
    lock_covers,
)
from app.services.billing.bill_rows import MEMO_TYPES, number_bills, replace_lines
from app.services.billing.commitments import refresh_amount_spent
from app.services.billing.draws import Redraw, queue_stale_bills, settle_draws
from app.services.billing.lock_date import lock_date_for_share
from app.services.billing.unchanged import unchanged_bills
from app.services.events import bills as bill_events


class Outcome(str, Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    SKIPPED_LOCKED = "SKIPPED_LOCKED"
    SUPPRESSED = "SUPPRESSED"  # empty, not stored
    DELETED = "DELETED"  # empty, the stored bill removed
    UNCHANGED = "UNCHANGED"  # a scheduled recalculation changed nothing (SEMANTICS §13.2 rule 3)
    # This job stored the bill before, the same (a chunk retried after a crash or a transient
    # error): not written again, still one of the job's bills.
    KEPT = "KEPT"


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    bill_id: uuid.UUID | None

    @property
    def changed(self) -> bool:
        """A bill made or updated by the job (listed in its bill ids); KEPT: by an earlier
        attempt of the same job."""
        return self.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.KEPT)


@dataclass(frozen=True)
class StoreOptions:
    job_id: uuid.UUID | None
    actor: str | None
    suppress_empty: bool
    purchase_order_number: str | None
    meter_of: Mapping[uuid.UUID, uuid.UUID]
    redraw: Redraw | None = None  # the bill draws on commitments: settled when stored
    scheduled: bool = False  # a scheduled run's job: a bill it would not change is left alone
    # SEMANTICS §13.2 rule 6: the organization's rule, or the job's override of it.
    invoice_rule: ExternalInvoiceDate = DEFAULT_EXTERNAL_INVOICE_DATE
    invoice_date: date | None = None

    def external_invoice_date(self, bill: ComposedBill) -> date:
        return external_invoice_date(bill.bill_date, self.invoice_rule, self.invoice_date)


async def store_bill(organization_id: uuid.UUID, bill: ComposedBill, options: StoreOptions) -> Stored:
    async with connection() as conn:
        async with conn.transaction():
            # First, so the account's lock comes before the bill row's (see `draws`).
            settled = await settle_draws(conn, organization_id, [(bill, options.redraw)])
            (bill,) = settled.bills
            if lock_covers(bill.bill_date, await lock_date_for_share(conn, organization_id)):
                current = await _lock(conn, organization_id, bill)  # none is made in a locked range
                await queue_stale_bills(conn, organization_id, settled)
                return Stored(Outcome.SKIPPED_LOCKED, current["id"] if current else None)
            stored = await _store(conn, organization_id, bill, options)
            await queue_stale_bills(conn, organization_id, settled)  # the bill has its row now
            if stored.outcome is not Outcome.SKIPPED_LOCKED and stored.bill_id is not None:
                # Commitments' amountSpent from the stored draws, in the same transaction.
                await refresh_amount_spent(conn, organization_id, [bill.account_id])
            return stored


async def _store(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill: ComposedBill, options: StoreOptions
) -> Stored:
    if not bill.lines and options.suppress_empty:
        removed = await _remove_empty(conn, organization_id, bill)
        if removed is not None:
            return removed
    inserted = await _insert(conn, organization_id, bill, options)
    current = await _lock(conn, organization_id, bill)
    assert current is not None  # inserted above, or by the writer it waited for
    if current["locked"]:
        return Stored(Outcome.SKIPPED_LOCKED, current["id"])
    bill_id = current["id"]
    ours = options.job_id is not None and current["bill_job_id"] == options.job_id
    if inserted is None and (options.scheduled or ours):
        # Left alone when it would not change (see the module docstring).
        key = _key(organization_id, bill)[1:]
        if await unchanged_bills(conn, organization_id, [(key, bill, options)]):
            return Stored(Outcome.KEPT if ours else Outcome.UNCHANGED, bill_id)
    old = await bill_events.bill_snapshots(conn, organization_id, [bill_id] if inserted is None else [])
    if inserted is None:
        await _update(conn, bill_id, bill, options)
    if current["sequential_invoice_number"] is None:
        await number_bills(conn, organization_id, [bill_id])
    await replace_lines(conn, organization_id, [(bill_id, bill.lines, options)], replaced=[bill_id])
    event = bill_events.UPDATED if old else bill_events.CREATED
    await bill_events.record_bill_events(conn, organization_id, [(event, bill_id, old.get(bill_id))])
    return Stored(Outcome.CREATED if inserted is not None else Outcome.UPDATED, bill_id)


_KEY = "organization_id = $1 AND account_id = $2 AND bill_date = $3 AND billing_frequency = $4"


def _key(organization_id: uuid.UUID, bill: ComposedBill) -> tuple:
    return organization_id, bill.account_id, bill.bill_date, bill.frequency.value


async def _remove_empty(conn: asyncpg.Connection, organization_id: uuid.UUID, bill: ComposedBill) -> Stored | None:
    """None when the stored bill has memo lines: a person's lines keep it (stored as usual)."""
    current = await _lock(conn, organization_id, bill)
    if current is None:
        return Stored(Outcome.SUPPRESSED, None)
    if current["locked"]:
        return Stored(Outcome.SKIPPED_LOCKED, current["id"])
    if await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM bill_line_items WHERE organization_id = $1 AND bill_id = $2"
        " AND line_item_type = ANY($3::varchar[]))",
        organization_id,
        current["id"],
        list(MEMO_TYPES),
    ):
        return None
    await conn.execute(
        "DELETE FROM bill_line_items WHERE organization_id = $1 AND bill_id = $2", organization_id, current["id"]
    )
    await conn.execute("DELETE FROM bills WHERE organization_id = $1 AND id = $2", organization_id, current["id"])
    return Stored(Outcome.DELETED, current["id"])


async def _lock(conn: asyncpg.Connection, organization_id: uuid.UUID, bill: ComposedBill) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT id, locked, sequential_invoice_number, bill_job_id FROM bills WHERE {_KEY} FOR UPDATE",
        *_key(organization_id, bill),
    )


async def _insert(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill: ComposedBill, options: StoreOptions
) -> uuid.UUID | None:
    """The new bill's id, or None when it exists (made by an earlier or concurrent run)."""
    return await conn.fetchval(
        """INSERT INTO bills (id, organization_id, version, dt_created, dt_last_modified, created_by, last_modified_by,
               account_id, account_code, bill_date, due_date, start_date, end_date, billing_frequency, currency,
               status, locked, bill_job_id, last_calculated_date, purchase_order_number, bill_total,
               external_invoice_date)
           VALUES ($5, $1, 1, now(), now(), $6, $6, $2, $7, $3, $8, $9, $10, $4, $11, 'PENDING', false, $12, now(),
                   $13, $14, $15)
           ON CONFLICT (organization_id, account_id, bill_date, billing_frequency) DO NOTHING
           RETURNING id""",
        *_key(organization_id, bill),
        uuid.uuid4(),
        options.actor,
        bill.account_code,
        bill.due_date,
        bill.start,
        bill.end,
        bill.currency,
        options.job_id,
        options.purchase_order_number,
        bill.total,
        options.external_invoice_date(bill),
    )


async def _update(conn: asyncpg.Connection, bill_id: uuid.UUID, bill: ComposedBill, options: StoreOptions) -> None:
    # Recalculating an APPROVED bill returns it to PENDING (SEMANTICS §7.5); recalculated by a
    # job a client started, it is never auto-approved again (§13.2 rule 4). Scheduled jobs and
    # the system's own (created by "system:…", e.g. the balance-draw requeue) are automatic.
    await conn.execute(
        """UPDATE bills SET account_code = $2, due_date = $3, start_date = $4, end_date = $5, currency = $6,
               status = 'PENDING', bill_job_id = $7, last_calculated_date = now(), purchase_order_number = $8,
               auto_approve_blocked = auto_approve_blocked OR NOT coalesce(
                   (SELECT j.scheduled OR j.created_by LIKE 'system:%' FROM bill_jobs AS j WHERE j.id = $7), false),
               bill_total = $9, version = version + 1, dt_last_modified = now(), last_modified_by = $10,
               external_invoice_date = $11, statement_stale = json_statement_generated OR csv_statement_generated
           WHERE id = $1""",
        bill_id,
        bill.account_code,
        bill.due_date,
        bill.start,
        bill.end,
        bill.currency,
        options.job_id,
        options.purchase_order_number,
        bill.total,
        options.actor,
        options.external_invoice_date(bill),
    )
