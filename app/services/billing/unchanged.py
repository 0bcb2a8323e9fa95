"""Scheduled recalculations that change nothing leave the bill alone (SEMANTICS §13.2
rule 3, **our rule**): same bill fields, same lines and amounts → no new version, no
status change (an APPROVED bill stays APPROVED), no new line items.

Compared under the bill rows' lock (`persist_many` calls this after locking the chunk's
existing bills), column by column as the line items would be stored (`bill_rows.record`),
so "the same" means exactly what a reader of the bill would see. Memo lines are not the
calculation's (SEMANTICS §12.1 rule 2): they are left out of the comparison, and the
stored total is compared less their sum.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import asyncpg

from app.domain.billing import ComposedBill
from app.services.billing.bill_rows import LINE_COLUMNS, MEMO_TYPES, record

if TYPE_CHECKING:
    from app.services.billing.persist import StoreOptions

# From `position` on: the columns a line's content is made of (ids and audit columns differ).
_CONTENT = LINE_COLUMNS[LINE_COLUMNS.index("position") :]
_JSON = {"segment", "usage_per_pricing_band"}
_ANY = uuid.UUID(int=0)


async def unchanged_bills(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bills: Sequence[tuple[tuple, ComposedBill, StoreOptions]]
) -> dict[tuple, uuid.UUID]:
    """The keyed bills whose stored, unlocked bill is the same as the composed one (key → id)."""
    if not bills:
        return {}
    keys = [key for key, _, _ in bills]
    stored = await conn.fetch(
        """SELECT b.id, b.account_id, b.bill_date, b.billing_frequency, b.due_date, b.start_date, b.end_date,
                  b.currency, b.purchase_order_number, b.bill_total FROM bills AS b
           JOIN unnest($2::uuid[], $3::date[], $4::varchar[]) AS k(account_id, bill_date, billing_frequency)
             ON b.account_id = k.account_id AND b.bill_date = k.bill_date AND b.billing_frequency = k.billing_frequency
           WHERE b.organization_id = $1 AND NOT b.locked""",
        organization_id,
        *map(list, zip(*keys)),
    )
    rows = {(r["account_id"], r["bill_date"], r["billing_frequency"]): r for r in stored}
    lines, memos = await _lines_of(conn, organization_id, [r["id"] for r in stored])
    return {
        key: rows[key]["id"]
        for key, bill, options in bills
        if key in rows
        and _same(rows[key], lines.get(rows[key]["id"], []), memos.get(rows[key]["id"], Decimal(0)), bill, options)
    }


async def _lines_of(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill_ids: list
) -> tuple[dict[uuid.UUID, list], dict[uuid.UUID, Decimal]]:
    """The calculated lines of each bill, and the sum of its memo lines."""
    found: dict[uuid.UUID, list] = {}
    memos: dict[uuid.UUID, Decimal] = {}
    if not bill_ids:
        return found, memos
    rows = await conn.fetch(
        f"SELECT bill_id, {', '.join(_CONTENT)} FROM bill_line_items"
        " WHERE organization_id = $1 AND bill_id = ANY($2::uuid[]) ORDER BY bill_id, position",
        organization_id,
        bill_ids,
    )
    for row in rows:
        if row["line_item_type"] in MEMO_TYPES:
            memos[row["bill_id"]] = memos.get(row["bill_id"], Decimal(0)) + row["converted_subtotal"]
            continue
        found.setdefault(row["bill_id"], []).append(tuple(_value(name, row[name]) for name in _CONTENT))
    return found, memos


def _same(row: Any, lines: list, memo_total: Decimal, bill: ComposedBill, options: StoreOptions) -> bool:
    fields = (
        bill.due_date,
        bill.start,
        bill.end,
        bill.currency,
        options.purchase_order_number,
        bill.total + memo_total,
    )
    stored = (row["due_date"], row["start_date"], row["end_date"], row["currency"], row["purchase_order_number"])
    if (*stored, row["bill_total"]) != fields or len(lines) != len(bill.lines):
        return False
    start = LINE_COLUMNS.index("position")
    # The organization and ids are not compared (sliced off): any value will do.
    composed = [record(_ANY, row["id"], i, line, options)[start:] for i, line in enumerate(bill.lines)]
    return [tuple(_value(n, v) for n, v in zip(_CONTENT, c)) for c in composed] == lines


def _value(name: str, value: Any) -> Any:
    """JSON columns compared as data (key order and spacing aside)."""
    if name in _JSON and isinstance(value, str):
        return json.loads(value)
    return value
