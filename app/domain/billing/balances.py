"""Balances on bills: eligibility and BALANCE_CONSUMED draws (SEMANTICS §11.1–11.2).

Concepts
- ``BalanceSnapshot``: one balance as the service resolved it for ONE bill: its window
  ``[start, end)``, the rollover window ``[end, rollover_end)`` and cap, eligibility, and
  what this bill may draw (rule 4): ``credits`` applied by the bill date, ``drawn_before``
  and ``rollover_drawn_before``, the draws of the bills before it in (bill date,
  frequency) order plus those of locked later bills.
- Eligible line (rule 1): a positive line of an allowed type and product whose
  ``service_period_start`` lies in the window (drawn from the balance) or in the rollover
  window (drawn from the rollover). **Decision** (the spec's): no proration of a line
  that straddles a boundary. Negative lines, memo lines and COUNTER_ADJUSTMENT_CREDIT
  are never eligible (they are not in ``BALANCE_TYPES``).
- Draw (rule 2): the lines are covered in bill order, each by what earlier sources left
  of it (``Share.open``), up to what the balance has available; a covered part is not
  offered to the next source. Window lines draw first; then the rollover available to
  this bill is ``min(R, cap) − rollover_drawn_before`` where R is what the window left
  (rule 6), so a bill whose lines are on both sides of the end date sees its own window
  draw first. One negative BALANCE_CONSUMED line per balance, ``rollover_consumed``
  naming its rollover part (balance currency).
- Money is the printed bill's (rounded converted subtotals), as for commitments; a
  balance in another currency converts what it has to the bill currency rounded toward
  zero (never over-drawing) and its draw back.
- Overage (rule 5): a share a balance was eligible for and left uncovered is owned by that
  balance (it is the last exhausted source so far); ``balances_steps`` surcharges it.

Invariants
- A draw never exceeds what is available nor the open eligible money; a balance never
  goes below zero; a draw of 0 gives no line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal, InvalidOperation, localcontext
from enum import Enum

from app.domain.money import CurrencyRounding, convert, round_money
from app.domain.timezones import require_aware

from .commitments.drawdown import Share
from .context import BillContext
from .lines import DraftLine, LineType, line_rank
from .snapshots import EntityId

__all__ = ["BALANCE_TYPES", "BalanceSnapshot", "Window", "draw_balance", "window_of"]

_ZERO = Decimal(0)
_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
BALANCE_TYPES = frozenset(
    {
        LineType.STANDING_CHARGE,
        LineType.USAGE,
        LineType.MINIMUM_SPEND,
        LineType.COUNTER_RUNNING_TOTAL_CHARGE,
        LineType.COUNTER_ADJUSTMENT_DEBIT,
        LineType.AD_HOC,
    }
)


class Window(str, Enum):
    MAIN = "MAIN"
    ROLLOVER = "ROLLOVER"


@dataclass(frozen=True)
class BalanceSnapshot:
    id: EntityId
    account_id: EntityId
    code: str
    currency: str
    start: datetime
    end: datetime  # exclusive
    rollover_end: datetime | None = None  # exclusive; None: nothing rolls over
    rollover_amount: Decimal | None = None  # cap; None with a rollover_end: no cap
    product_ids: frozenset[EntityId] = frozenset()  # empty: every product
    line_item_types: frozenset[LineType] = frozenset()  # empty: every type of BALANCE_TYPES
    overage_surcharge_percent: Decimal | None = None
    draw_down_description: str | None = None
    overage_description: str | None = None
    credits: Decimal = _ZERO  # applied by this bill's date
    drawn_before: Decimal = _ZERO  # window draws of the bills before it (and locked later ones)
    rollover_drawn_before: Decimal = _ZERO  # rollover draws of the same bills

    def __post_init__(self) -> None:
        object.__setattr__(self, "product_ids", frozenset(self.product_ids))
        object.__setattr__(self, "line_item_types", frozenset(LineType(t) for t in self.line_item_types))
        for instant in (self.start, self.end, self.rollover_end):
            if instant is not None:
                require_aware(instant)
        if not self.start < self.end:
            raise ValueError("a balance must start before it ends")
        if self.rollover_end is not None and not self.end < self.rollover_end:
            raise ValueError("a balance's rollover must end after the balance")
        if not self.line_item_types <= BALANCE_TYPES:
            raise ValueError("line item types must be among " + ", ".join(sorted(t.value for t in BALANCE_TYPES)))

    @property
    def draw_order(self) -> tuple[datetime, str]:
        """Several balances draw by earliest end date, then code (rule 2)."""
        return self.end, self.code

    @property
    def available(self) -> Decimal:
        """What the window may still give this bill, in the balance currency."""
        return max(self.credits - self.drawn_before, _ZERO)

    def rollover_available(self, drawn_now: Decimal) -> Decimal:
        """What the rollover may give this bill once its window drew ``drawn_now`` (rule 6)."""
        if self.rollover_end is None:
            return _ZERO
        left = max(self.credits - self.drawn_before - drawn_now, _ZERO)
        rolled = left if self.rollover_amount is None else min(left, self.rollover_amount)
        return max(rolled - self.rollover_drawn_before, _ZERO)


def window_of(balance: BalanceSnapshot, line: DraftLine) -> Window | None:
    """Which part of the balance may draw on the line, if any (rule 1)."""
    if line.line_type not in BALANCE_TYPES or line.converted_subtotal is None or line.converted_subtotal <= 0:
        return None
    if balance.line_item_types and line.line_type not in balance.line_item_types:
        return None
    if balance.product_ids and line.product_id not in balance.product_ids:
        return None
    start = line.service_period_start
    if balance.start <= start < balance.end:
        return Window.MAIN
    if balance.rollover_end is not None and balance.end <= start < balance.rollover_end:
        return Window.ROLLOVER
    return None


def draw_balance(context: BillContext, balance: BalanceSnapshot, shares: Sequence[Share]) -> DraftLine | None:
    """Cover the balance's eligible shares in bill order; its BALANCE_CONSUMED line, if any."""
    ordered = sorted(shares, key=lambda share: line_rank(share.line.line_type))
    eligible = {share: window_of(balance, share.line) for share in ordered}
    main = [share for share, window in eligible.items() if window is Window.MAIN]
    roll = [share for share, window in eligible.items() if window is Window.ROLLOVER]
    covered: list[Share] = []
    main_bill, main_own = _cover(context, balance, main, balance.available, covered)
    roll_bill, roll_own = _cover(context, balance, roll, balance.rollover_available(main_own), covered)
    drawn = main_bill + roll_bill
    if drawn == 0:
        return None
    return _consumed_line(context, balance, drawn, main_own + roll_own, roll_own, covered)


def _cover(
    context: BillContext, balance: BalanceSnapshot, shares: list[Share], available: Decimal, covered: list[Share]
) -> tuple[Decimal, Decimal]:
    """Cover ``shares`` in order from ``available`` (balance currency); the draw in the
    bill currency and in the balance currency. The shares it drew on join ``covered``."""
    if not shares:
        return _ZERO, _ZERO
    bill = context.currency(context.account.currency)
    left = round_money(
        convert(available, context.conversion_rate(balance.currency)), bill.max_decimal_places, CurrencyRounding.DOWN
    )
    offered = left
    for share in shares:
        take = min(share.open, left) if share.open > 0 else _ZERO
        share.open -= take
        left -= take
        if take:
            covered.append(share)
        # What this balance leaves of a line it could draw on is its overage now (rule 5).
        share.unmet = share.open if share.open > 0 else _ZERO
        share.owner = balance if share.unmet > 0 else None
    drawn = offered - left
    return drawn, _own_amount(context, balance, drawn, offered, available)


def _own_amount(
    context: BillContext, balance: BalanceSnapshot, drawn: Decimal, offered: Decimal, available: Decimal
) -> Decimal:
    """The draw in the balance currency: all of it when the whole conversion was drawn."""
    if balance.currency == context.account.currency:
        return drawn
    if drawn == offered:
        return available
    own = context.currency(balance.currency)
    with localcontext(_QUOTIENT):
        exact = drawn / context.conversion_rate(balance.currency)
    return min(round_money(exact, own.max_decimal_places, own.rounding), available)


def _consumed_line(
    context: BillContext,
    balance: BalanceSnapshot,
    drawn: Decimal,
    own_amount: Decimal,
    rollover: Decimal,
    covered: Sequence[Share],
) -> DraftLine:
    own = context.currency(balance.currency)
    return DraftLine(
        line_type=LineType.BALANCE_CONSUMED,
        amount=-own_amount,
        currency=balance.currency,
        account_plan_id=None,
        plan_id=None,
        product_id=None,
        service_period_start=min(share.line.service_period_start for share in covered),
        service_period_end=max(share.line.service_period_end for share in covered),
        description=balance.draw_down_description,
        balance_id=balance.id,
        rollover_consumed=rollover,
        # Set here, not by conversion: the line must offset exactly what it covered.
        conversion_rate=context.conversion_rate(balance.currency),
        subtotal=round_money(-own_amount, own.max_decimal_places, own.rounding),
        converted_subtotal=-drawn,
    )
