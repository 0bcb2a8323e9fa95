"""Later bills a changed balance draw leaves stale (SEMANTICS §11.2 rule 4, our rule).

A balance's draw on a bill depends on the bills before it. When storing a bill changes
what it draws from a balance, the account's later unlocked bills that drew on that
balance saw other money: they are queued for recalculation as ONE PENDING RECALCULATE
bill job, written in the storing transaction (so it exists exactly when the change
does). Nobody enqueues it: the bill-job sweep starts every PENDING job whose creation is
older than its staleness limit, so the recalculation follows within about a minute.
Bills stored in the same transaction are left out: they were settled in order just now.
The chain ends: a recalculation only queues bills later than itself.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date

import asyncpg

__all__ = ["QUEUED_BY", "queue_later_bills"]

QUEUED_BY = "system:balance-draws"
_FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "ANNUALLY", "AD_HOC"]


async def queue_later_bills(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    changed: Mapping[uuid.UUID, Sequence[tuple[uuid.UUID, tuple[date, str]]]],
    *,
    stored: Sequence[tuple[uuid.UUID, date]],
) -> uuid.UUID | None:
    """Queue the later unlocked bills of ``changed`` (account → [(balance, bill key)]);
    the job id, or None when no bill needs it."""
    if not changed:
        return None
    rows = await conn.fetch(
        """SELECT DISTINCT b.id, b.account_id, b.bill_date, b.billing_frequency, li.balance_id
           FROM bills AS b JOIN bill_line_items AS li ON li.bill_id = b.id AND li.organization_id = b.organization_id
           WHERE b.organization_id = $1 AND b.account_id = ANY($2::uuid[]) AND NOT b.locked
             AND li.line_item_type = 'BALANCE_CONSUMED' AND li.balance_id = ANY($3::uuid[])""",
        organization_id,
        list(changed),
        sorted({balance for keys in changed.values() for balance, _ in keys}),
    )
    stored_now = set(stored)
    stale = sorted(
        {
            (r["account_id"], r["id"])
            for r in rows
            if (r["account_id"], r["bill_date"]) not in stored_now
            and any(
                balance == r["balance_id"] and _order((r["bill_date"], r["billing_frequency"])) > _order(key)
                for balance, key in changed[r["account_id"]]
            )
        }
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


def _order(key: tuple[date, str]) -> tuple[date, int]:
    return key[0], _FREQUENCIES.index(key[1]) if key[1] in _FREQUENCIES else len(_FREQUENCIES)
