"""Commitment steps of a bill and what they drew (SEMANTICS §5.3, §7.2 items 4–5).

Concepts
- ``commitment_steps`` gives the steps to append after ``DEFAULT_STEPS`` (and after a
  child breakdown step): fees, then drawdown with its overage lines.
- ``fees=False`` composes a bill without fee lines: when the account has several bills on
  a fee date (two frequencies), the service puts the fees on exactly one of them and
  composes the others with ``fees=False``; every bill draws down.
- ``drawn_amounts`` reads, from a composed bill, each commitment's draw in its own
  currency; the service stores ``amountSpent = Σ draws of all the account's bills``.

Invariants
- Recomposing a bill with the same inputs gives the same draw; the caller's
  ``amount_spent_before`` excludes this bill's own earlier draw, so a recalculation
  replaces the draw instead of adding to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..context import BillContext, Step
from ..lines import BillLine, ComposedBill, DraftLine, LineType
from ..snapshots import EntityId
from .drawdown import draw_down
from .fees import fees_step
from .overage import apply_overage
from .snapshot import CommitmentSnapshot

__all__ = ["commitment_steps", "drawdown_step", "drawn_amounts"]


def drawdown_step(commitments: Iterable[CommitmentSnapshot]) -> Step:
    """Step: COMMITMENT_CONSUMED, then OVERAGE_SURCHARGE / OVERAGE_USAGE lines."""
    ordered = tuple(sorted(commitments, key=lambda c: c.draw_order))

    def commitment_drawdown(context: BillContext, lines: list[DraftLine]) -> None:
        shares = draw_down(context, lines, ordered)
        apply_overage(context, lines, shares, ordered)

    return commitment_drawdown


def commitment_steps(commitments: Iterable[CommitmentSnapshot], *, fees: bool = True) -> tuple[Step, ...]:
    """The steps to append to ``DEFAULT_STEPS`` for the account's commitments."""
    ordered = tuple(commitments)
    drawdown = drawdown_step(ordered)
    return (fees_step(ordered), drawdown) if fees else (drawdown,)


def drawn_amounts(bill: ComposedBill | Iterable[BillLine]) -> dict[EntityId, Decimal]:
    """{commitment id: amount drawn by this bill, in the commitment currency}."""
    lines = bill.lines if isinstance(bill, ComposedBill) else bill
    drawn: dict[EntityId, Decimal] = {}
    for line in lines:
        if line.line_type is LineType.COMMITMENT_CONSUMED and line.commitment_id is not None:
            drawn[line.commitment_id] = drawn.get(line.commitment_id, Decimal(0)) - line.exact_subtotal
    return drawn
