"""What a balance has now and its transaction summary (SEMANTICS §11.2 rules 6–7),
derived every time from the stored facts: its credits and the BALANCE_CONSUMED lines of
the stored bills. Nothing is counted up, so nothing can drift.

Two statements for any number of balances (one for the credits, one for the draws).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from app.db import connection
from app.domain.billing.balances_summary import BalanceSummary, summarize
from app.models.balances import Balance

__all__ = ["balance_summaries"]

_ZERO = Decimal(0)


async def balance_summaries(
    organization_id: uuid.UUID, balances: Sequence[Balance], now: datetime | None = None
) -> dict[uuid.UUID, BalanceSummary]:
    if not balances:
        return {}
    now = now or datetime.now(UTC)
    wanted = [b.id for b in balances]
    async with connection() as conn:
        credits = await conn.fetch(
            """SELECT balance_id, applied_date, amount FROM balance_transactions
               WHERE organization_id = $1 AND balance_id = ANY($2::uuid[])""",
            organization_id,
            wanted,
        )
        draws = await conn.fetch(
            """SELECT balance_id, -sum(subtotal) AS drawn, sum(coalesce(rollover_consumed, 0)) AS rollover
               FROM bill_line_items
               WHERE organization_id = $1 AND balance_id = ANY($2::uuid[]) AND line_item_type = 'BALANCE_CONSUMED'
               GROUP BY balance_id""",
            organization_id,
            wanted,
        )
    by_balance: dict[uuid.UUID, list[tuple[datetime, Decimal]]] = {}
    for row in credits:
        by_balance.setdefault(row["balance_id"], []).append((row["applied_date"], row["amount"]))
    drawn = {row["balance_id"]: (row["drawn"] - row["rollover"], row["rollover"]) for row in draws}
    return {
        b.id: summarize(
            end=b.end_date,
            rollover_end=b.rollover_end_date,
            rollover_amount=None if b.rollover_amount is None else Decimal(b.rollover_amount),
            credits=by_balance.get(b.id, ()),
            drawn=drawn.get(b.id, (_ZERO, _ZERO))[0],
            rollover_drawn=drawn.get(b.id, (_ZERO, _ZERO))[1],
            now=now,
        )
        for b in balances
    }
