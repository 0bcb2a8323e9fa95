"""Storing a chunk's bills together: one transaction, a fixed number of statements.

`persist.store_bill` stores one bill in its own transaction in about nine round trips;
a bill job stores its chunks here instead, with the same rules and guarantees:
- Unique key: the bills are upserted in one `INSERT ... ON CONFLICT (organization,
  account, bill date, frequency) DO UPDATE`, so a re-run, a second job or a second worker
  recalculates a bill in place; the row stays locked until the commit, and its line items
  are replaced whole (deleted and COPYed in the same transaction), never interleaved.
- Locked bills are never changed: the existing rows of the chunk are locked first
  (`FOR UPDATE`, in id order, as approving bills does, so the two cannot deadlock), a
  locked one is left out and reported SKIPPED_LOCKED; the upsert's `WHERE NOT locked`
  guards a row that appeared meanwhile.
- A recalculated bill returns to PENDING with the job's id, the calculation time, the
  purchase order number and its total, as in `persist`.
- Sequential invoice numbers: the bills without one get the next numbers in key order
  from ONE update of the organization config row, taken after the bill rows (the same
  lock order as `persist`).
- A bill that would not change is left alone (no new version, status, line items or
  event), as in `persist`: any bill of a scheduled run (SEMANTICS §13.2 rule 3), and a bill
  this same job stored before (KEPT, still listed as the job's: its chunk was retried
  after a crash or a transient error).
- Empty bills of an organization suppressing them are not handled here (the caller
  stores them with `persist.store_bill`).

Draws on commitments: the accounts of the bills that draw are locked first and their
draws decided again from what is stored now (`draws.settle_draws`); lock order: accounts,
bills, organization config, commitments.

All or nothing (**decision**, a change to DESIGN §4's "one transaction per bill"): any
error rolls the whole chunk back and `store_bills` raises; the caller then stores each
bill of the chunk in its own transaction (`persist.store_bill`), so a bill that cannot be
stored still fails only its own account. A crash leaves a chunk stored whole or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from app.db import connection
from app.domain.billing import ComposedBill
from app.domain.billing.invoice_dates import lock_covers
from app.models.billing import Bill
from app.services.billing.bill_rows import number_bills, replace_lines
from app.services.billing.commitments import refresh_amount_spent
from app.services.billing.draws import queue_stale_bills, settle_draws
from app.services.billing.lock_date import lock_date_for_share
from app.services.billing.persist import Outcome, Stored, StoreOptions
from app.services.billing.unchanged import unchanged_bills
from app.services.events import bills as bill_events
from app.services.events.rows import row_json_sql


class NotStored(RuntimeError):
    """The chunk's statements did not account for every bill (nothing was committed)."""


async def store_bills(organization_id: uuid.UUID, bills: Sequence[tuple[ComposedBill, StoreOptions]]) -> list[Stored]:
    """The outcome of each bill, in order; raises (and stores nothing) on any error."""
    if not bills:
        return []
    keys_of = [_key(bill) for bill, _ in bills]
    if len(set(keys_of)) != len(keys_of):
        raise NotStored("a bill appears twice in the chunk")
    # Upserted in key order: two chunks writing the same bills take their locks in one order.
    ordered = sorted(range(len(bills)), key=lambda i: keys_of[i])
    async with connection() as conn:
        async with conn.transaction():
            # Draws decided again under the accounts' lock, taken before any bill row's.
            settled = await settle_draws(conn, organization_id, [(bill, options.redraw) for bill, options in bills])
            bills = [(bill, options) for bill, (_, options) in zip(settled.bills, bills)]
            lock_date = await lock_date_for_share(conn, organization_id)  # before any bill row
            existing = await _lock_existing(conn, organization_id, bills)
            locked = {k: row["id"] for k, row in existing.items() if row["locked"]}
            # Bills that would not change, left alone (`_unchanged`).
            unchanged = await _unchanged(conn, organization_id, keys_of, bills, existing)
            # None is created or changed inside the lock date's range (SEMANTICS §13.2 rule 5).
            for k, (bill, _) in zip(keys_of, bills):
                if lock_covers(bill.bill_date, lock_date):
                    locked.setdefault(k, None)
            before = {row["id"]: row["snapshot"] for row in existing.values()}  # events' `old`
            upserted = await _upsert(
                conn, organization_id, [bills[i] for i in ordered if keys_of[i] not in locked.keys() | unchanged.keys()]
            )
            # Numbers in the chunk's order (accounts in claim order), as bill by bill.
            await number_bills(
                conn, organization_id, [upserted[k].id for k in keys_of if k in upserted and upserted[k].number is None]
            )
            await replace_lines(
                conn,
                organization_id,
                [(upserted[k].id, bill.lines, options) for k, (bill, options) in zip(keys_of, bills) if k in upserted],
                replaced=[row.id for row in upserted.values() if not row.created],
            )
            await queue_stale_bills(conn, organization_id, settled)  # the new bills have their rows now
            # Commitments' amountSpent from the stored draws, in the same transaction.
            await refresh_amount_spent(conn, organization_id, (bill.account_id for bill, _ in bills))
            # One statement for the chunk's bill events, from the rows as finally stored.
            await bill_events.record_bill_events(
                conn,
                organization_id,
                [
                    (bill_events.CREATED if row.created else bill_events.UPDATED, row.id, before.get(row.id))
                    for row in upserted.values()
                ],
            )
    return [
        Stored(Outcome.SKIPPED_LOCKED, locked[k])
        if k in locked
        else Stored(Outcome.KEPT if _ours(existing.get(k), bills[i][1]) else Outcome.UNCHANGED, unchanged[k])
        if k in unchanged
        else Stored(Outcome.CREATED if upserted[k].created else Outcome.UPDATED, upserted[k].id)
        for i, k in enumerate(keys_of)
    ]


def _ours(row: asyncpg.Record | None, options: StoreOptions) -> bool:
    """The stored bill was written by this same job (an earlier attempt of this chunk)."""
    return row is not None and options.job_id is not None and row["bill_job_id"] == options.job_id


async def _unchanged(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    keys_of: Sequence[tuple],
    bills: Sequence[tuple[ComposedBill, StoreOptions]],
    existing: dict[tuple, asyncpg.Record],
) -> dict[tuple, uuid.UUID]:
    """The bills left alone because they would not change: any of a scheduled run's
    (SEMANTICS §13.2 rule 3), and those this job stored before (its chunk retried after a
    crash or a transient error, composed again from the job's own usage: written, and
    their events recorded, once, §7.4, §14.2). A first attempt of a manual job finds no
    bill of its own, so it pays no extra statement."""
    candidates = [(k, b, o) for k, (b, o) in zip(keys_of, bills) if o.scheduled or _ours(existing.get(k), o)]
    return await unchanged_bills(conn, organization_id, candidates)


@dataclass(frozen=True)
class _Upserted:
    id: uuid.UUID
    created: bool
    number: str | None  # sequential invoice number


def _key(bill: ComposedBill) -> tuple:
    return bill.account_id, bill.bill_date, bill.frequency.value


async def _lock_existing(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bills: Sequence[tuple[ComposedBill, StoreOptions]]
) -> dict[tuple, asyncpg.Record]:
    """Lock the chunk's existing bills; returns them by key (id, locked, the job that wrote
    them, and the API form as locked: the `old` of their events)."""
    rows = await conn.fetch(_LOCK_EXISTING, organization_id, *map(list, zip(*(_key(bill) for bill, _ in bills))))
    return {(r["account_id"], r["bill_date"], r["billing_frequency"]): r for r in rows}


# Each key is looked up on its own through the unique key index, then each bill found is
# locked through the primary key, in id order (as approving bills locks them, so the two
# cannot deadlock). Both lookups are LATERAL subqueries kept apart from the outer query
# (LIMIT, FOR UPDATE): a plain join lets a planner without statistics (a table never
# analyzed) hash the organization's every bill once per chunk, a cost growing with the
# square of a job's bills.
_LOCK_EXISTING = f"""SELECT b.id, b.account_id, b.bill_date, b.billing_frequency, b.locked, b.bill_job_id,
       ({row_json_sql(Bill, "b")})::text AS snapshot
   FROM (SELECT e.id FROM unnest($2::uuid[], $3::date[], $4::varchar[]) AS k(account_id, bill_date, billing_frequency)
         CROSS JOIN LATERAL (SELECT id FROM bills WHERE organization_id = $1 AND account_id = k.account_id
                               AND bill_date = k.bill_date AND billing_frequency = k.billing_frequency LIMIT 1) AS e
         ORDER BY e.id) AS found
   CROSS JOIN LATERAL (SELECT * FROM bills WHERE organization_id = $1 AND id = found.id FOR UPDATE) AS b"""


# One statement for the chunk: the bills' columns as arrays, inserted in key order (lock
# order), an existing unlocked bill recalculated in place (SEMANTICS §7.5); recalculated by a
# job no schedule started, it is never auto-approved again (§13.2 rule 4).
_UPSERT = """INSERT INTO bills (id, organization_id, version, dt_created, dt_last_modified, created_by,
               last_modified_by,
               account_id, account_code, bill_date, due_date, start_date, end_date, billing_frequency, currency,
               status, locked, bill_job_id, last_calculated_date, purchase_order_number, bill_total,
               external_invoice_date)
           SELECT n.id, $1, 1, now(), now(), $2, $2, n.account_id, n.account_code, n.bill_date, n.due_date,
                  n.start_date, n.end_date, n.billing_frequency, n.currency, 'PENDING', false, $3, now(),
                  n.purchase_order_number, n.total, n.external_invoice_date
           FROM unnest($4::uuid[], $5::uuid[], $6::varchar[], $7::date[], $8::date[], $9::date[], $10::date[],
                       $11::varchar[], $12::varchar[], $13::varchar[], $14::numeric[], $15::date[])
                AS n(id, account_id, account_code, bill_date, due_date, start_date, end_date, billing_frequency,
                     currency, purchase_order_number, total, external_invoice_date)
           ORDER BY n.account_id, n.bill_date, n.billing_frequency
           ON CONFLICT (organization_id, account_id, bill_date, billing_frequency) DO UPDATE
           SET account_code = EXCLUDED.account_code, due_date = EXCLUDED.due_date, start_date = EXCLUDED.start_date,
               end_date = EXCLUDED.end_date, currency = EXCLUDED.currency, status = 'PENDING',
               auto_approve_blocked = bills.auto_approve_blocked OR NOT coalesce(
                   (SELECT j.scheduled OR j.created_by LIKE 'system:%' FROM bill_jobs AS j WHERE j.id = $3), false),
               bill_job_id = EXCLUDED.bill_job_id, last_calculated_date = now(),
               purchase_order_number = EXCLUDED.purchase_order_number, bill_total = EXCLUDED.bill_total,
               version = bills.version + 1, dt_last_modified = now(), last_modified_by = EXCLUDED.last_modified_by,
               external_invoice_date = EXCLUDED.external_invoice_date,
               statement_stale = bills.json_statement_generated OR bills.csv_statement_generated
           WHERE NOT bills.locked
           RETURNING id, account_id, bill_date, billing_frequency, sequential_invoice_number"""


def _columns(bills: Sequence[tuple[ComposedBill, StoreOptions]], new_ids: Sequence[uuid.UUID]) -> list[list]:
    """The bills' values column by column, as `_UPSERT`'s arrays $4…$15 take them."""
    rows = [
        (
            new_id,
            b.account_id,
            b.account_code,
            b.bill_date,
            b.due_date,
            b.start,
            b.end,
            b.frequency.value,
            b.currency,
            o.purchase_order_number,
            b.total,
            o.external_invoice_date(b),
        )
        for new_id, (b, o) in zip(new_ids, bills)
    ]
    return [list(column) for column in zip(*rows)]


async def _upsert(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bills: Sequence[tuple[ComposedBill, StoreOptions]]
) -> dict[tuple, _Upserted]:
    """Insert or recalculate the bills, in key order. The options of a chunk's bills
    differ only in their purchase order number (one job, one actor)."""
    if not bills:
        return {}
    first = bills[0][1]
    new_ids = [uuid.uuid4() for _ in bills]
    rows = await conn.fetch(_UPSERT, organization_id, first.actor, first.job_id, *_columns(bills, new_ids))
    created = set(new_ids)
    upserted = {
        (r["account_id"], r["bill_date"], r["billing_frequency"]): _Upserted(
            r["id"], r["id"] in created, r["sequential_invoice_number"]
        )
        for r in rows
    }
    if len(upserted) != len(bills):  # a bill created and locked since we looked: let each bill say
        raise NotStored("a bill of the chunk was locked meanwhile")
    return upserted
