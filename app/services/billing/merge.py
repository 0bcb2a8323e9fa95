"""One bill per (account, bill date, frequency) (SEMANTICS §7.1, §7.3): merging its parts.

A child account can have two parts of one bill: its own account plans' bill and a
CHILD-mode bill under its parent's account plan of another product. `compute` composes
both and merges them here into ONE bill. A merged bill that draws on commitments draws
through its own-plan part: its `Redraw` (see `draws`) composes that part again and merges
the parts once more, so settling the draws at storing time sees the whole bill.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Context, Decimal, localcontext
from typing import Any

from app.domain.billing import ComposedBill, line_rank
from app.domain.billing.balances_steps import CreditSources
from app.services.billing.draws import Redraw

__all__ = ["merge_bills", "merge_same_key"]


def merge_bills(bills: Sequence[ComposedBill]) -> ComposedBill:
    """Parts of one bill (same account, bill date and frequency) as one: every line, in
    §7.2 order (stable: the first part's lines first within a type), total = Σ converted
    subtotals, start = the earliest, the account plans of all parts."""
    first = bills[0]
    lines = sorted((line for bill in bills for line in bill.lines), key=lambda line: line_rank(line.line_type))
    with localcontext(Context(prec=60)):  # rounded figures: the sum is exact
        total = sum((line.converted_subtotal for line in lines), Decimal(0))
    plan_ids = tuple(dict.fromkeys(i for bill in bills for i in bill.account_plan_ids))
    return replace(first, start=min(b.start for b in bills), account_plan_ids=plan_ids, lines=tuple(lines), total=total)


def merge_same_key(
    results: Mapping[uuid.UUID, Any], child_mode_plans: set, redraws: dict[tuple[uuid.UUID, date, str], Redraw]
) -> None:
    """Merge the bills of one (account, bill date, frequency) across all outcomes: the
    merged bill stays with the outcome of the bill's own account if it has a part, else
    with the first outcome holding one. The own-plan part comes first (a CHILD-mode part
    is under a parent's account plan, in `child_mode_plans`), whoever composed it."""
    where: dict[tuple, list[tuple[uuid.UUID, ComposedBill]]] = {}
    for owner, outcome in results.items():
        for bill in outcome.bills:
            where.setdefault((bill.account_id, bill.bill_date, bill.frequency), []).append((owner, bill))
    for (account_id, _, _), parts in where.items():
        if len(parts) < 2:
            continue
        owner = next((o for o, _ in parts if o == account_id), parts[0][0])
        ordered = sorted((b for _, b in parts), key=lambda b: any(i in child_mode_plans for i in b.account_plan_ids))
        merged = merge_bills(ordered)
        _merge_redraw(redraws, ordered, merged)
        placed = False
        for part_owner, bill in parts:
            bills = results[part_owner].bills
            index = next(i for i, b in enumerate(bills) if b is bill)
            if part_owner == owner and not placed:
                placed = True
                bills[index] = merged
            else:
                del bills[index]


def _merge_redraw(
    redraws: dict[tuple[uuid.UUID, date, str], Redraw], parts: Sequence[ComposedBill], merged: ComposedBill
) -> None:
    """A merged bill draws through its part composed with commitment steps: composing it
    again composes that part again and merges the parts once more."""
    key = (merged.account_id, merged.bill_date, merged.frequency.value)
    redraw = redraws.get(key)
    if redraw is None or not any(part is redraw.bill for part in parts):
        return
    part_of = redraw

    def compose(sources: CreditSources) -> ComposedBill:
        return merge_bills([part_of.compose(sources) if part is part_of.bill else part for part in parts])

    redraws[key] = Redraw(redraw.sources, compose, merged)
