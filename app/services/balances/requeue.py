"""Later bills a changed balance or commitment draw leaves stale (SEMANTICS §11.2 rule 4,
our rule; commitments too).

A balance's draw on a bill depends on the bills before it, a commitment's on the other
bills. When storing a bill changes what it draws from a balance or a commitment, the
account's later unlocked bills that drew on that source (and, when it now draws less,
those that may draw on it: see `StaleFrom`) saw other money: they are queued for
recalculation as ONE PENDING RECALCULATE bill job, written in the storing transaction (so
it exists exactly when the change does). Nobody
enqueues it: the bill-job sweep starts every PENDING job whose creation is older than its
staleness limit, so the recalculation follows within about a minute.
Bills stored in the same transaction (same account, bill date and frequency) are left out:
they were settled in order just now.
The chain ends: a recalculation only queues bills later than itself.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date

import asyncpg

from app.services.balances.billing import StaleFrom

__all__ = ["QUEUED_BY", "queue_later_bills"]

QUEUED_BY = "system:balance-draws"
_FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "ANNUALLY", "AD_HOC"]


async def queue_later_bills(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    changed: Mapping[uuid.UUID, Sequence[StaleFrom]],
    *,
    stored: Sequence[tuple[uuid.UUID, date, str]],
) -> uuid.UUID | None:
    """Queue the unlocked bills ``changed`` names (account → where its bills went stale);
    the job id, or None when no bill needs it. ``stored``: (account, bill date, frequency)
    of the bills stored in this transaction."""
    changed = {account: stale for account, stale in changed.items() if stale}
    if not changed:
        return None
    bills = await conn.fetch(
        """SELECT id, account_id, bill_date, billing_frequency, start_date, end_date FROM bills
           WHERE organization_id = $1 AND account_id = ANY($2::uuid[]) AND NOT locked""",
        organization_id,
        list(changed),
    )
    drew = {
        (r["bill_id"], r["source_id"])
        for r in await conn.fetch(
            """SELECT DISTINCT bill_id, coalesce(balance_id, commitment_id) AS source_id FROM bill_line_items
               WHERE organization_id = $1 AND bill_id = ANY($2::uuid[])
                 AND ((line_item_type = 'BALANCE_CONSUMED' AND balance_id = ANY($3::uuid[]))
                      OR (line_item_type = 'COMMITMENT_CONSUMED' AND commitment_id = ANY($3::uuid[])))""",
            organization_id,
            [b["id"] for b in bills],
            sorted({s.source_id for stale in changed.values() for s in stale}),
        )
    }
    stored_now = set(stored)
    stale = sorted(
        (b["account_id"], b["id"])
        for b in bills
        if any(_queued(s, b, drew, stored_now) for s in changed[b["account_id"]])
    )
    if not stale:
        return None
    return await conn.fetchval(
        """INSERT INTO bill_jobs (id, organization_id, version, dt_created, dt_last_modified, created_by,
                                  last_modified_by, status, type, account_ids, bill_ids, total, pending, failed,
                                  result_bill_ids, dt_cutoff, scheduled)
           VALUES ($1, $2, 1, now(), now(), $3, $3, 'PENDING', 'RECALCULATE', $4::jsonb, $5::jsonb, 0, 0, 0,
                   '[]'::jsonb, clock_timestamp(), false)
           RETURNING id""",
        uuid.uuid4(),
        organization_id,
        QUEUED_BY,
        json.dumps(sorted({str(account) for account, _ in stale})),
        json.dumps([str(bill) for _, bill in stale]),
    )


def _queued(stale: StaleFrom, bill: asyncpg.Record, drew: set, stored_now: set) -> bool:
    """The bill itself when it was held back; a later bill not stored in this transaction
    (those were settled in order just now) that drew on the source, or that may draw on
    it now that an earlier bill released some."""
    order, since = _order((bill["bill_date"], bill["billing_frequency"])), _order(stale.key)
    if order == since:
        return stale.including
    # Keyed with the frequency: another frequency's bill of the same day is not stored now.
    later = order > since and (bill["account_id"], bill["bill_date"], bill["billing_frequency"]) not in stored_now
    return later and ((bill["id"], stale.source_id) in drew or (stale.released and _may_draw(stale, bill)))


def _may_draw(stale: StaleFrom, bill: asyncpg.Record) -> bool:
    """The bill's period meets the source's draw window. The window is the dates of the
    source's instants (or a commitment's dates) and the period local dates: a day's margin
    either side, as a needless recalculation changes nothing while a missed one leaves the
    bill short of its credit."""
    if stale.window_start is None or stale.window_end is None:
        return False
    return bill["start_date"] <= stale.window_end and bill["end_date"] >= stale.window_start


def _order(key: tuple[date, str]) -> tuple[date, int]:
    return key[0], _FREQUENCIES.index(key[1]) if key[1] in _FREQUENCIES else len(_FREQUENCIES)
