"""COMMITMENT_CONSUMED lines: charges drawn down from commitments (SEMANTICS §7.2 item 5).

Concepts
- Money here is the bill's *as printed*: each line's rounded ``converted_subtotal`` (the
  lines are converted first, as credit caps do), so a fully covered bill nets to exactly
  0.00. A commitment in another currency converts its remaining amount to the bill
  currency (rounded toward zero, never over-drawing) and its draw back (``drawn_amounts``
  reads the draw in the commitment currency).
- Eligible lines: by product (``product_ids``, empty = all) and type
  (``line_item_types``, empty = all of STANDING_CHARGE, USAGE, MINIMUM_SPEND). **Decision**:
  USAGE_CREDIT counts with USAGE and MINIMUM_SPEND_REFUND with MINIMUM_SPEND, so credits
  and refunds reduce what a commitment pays instead of turning the bill negative.
- The part of a line inside the commitment **(decision)**: by its own service period (so
  a charge billed in advance counts for the period it pays for), ``value × days inside
  [start, end) / days of the service period``, local days of the organization timezone,
  rounded in the bill currency. A service period shorter than a day counts whole when it
  starts inside the commitment.
- Draw: commitments in order of earliest end date, ties by id. Each line offers the
  smaller of its part inside and what earlier commitments left of it; the *eligible total*
  E is the sum of offers (negative lines net against positive ones) and the draw is
  ``min(remaining, E)`` as ONE negative COMMITMENT_CONSUMED line per commitment;
  ``remaining = amount − amount_spent_before``. E ≤ 0 draws nothing.
- Allocation **(decision)**: the draw and the overage ``E − draw`` are split across the
  positive offers in proportion to them (``splits.split_block``: exact, order free), so
  every line is equally far beyond the commitment.
- *Unmet* money of a line is what was inside some commitment and none covered; its
  *owner* is the last commitment that left some of it (overage rules are the owner's).
  A later commitment's offer is assumed to overlap earlier unmet money as little as
  possible (``max(0, unmet + offer − open)``) — exact whenever the commitments cover the
  same days or disjoint days.

Invariants
- A draw never exceeds the remaining amount nor the eligible total; nothing is drawn
  for lines outside every commitment. No COMMITMENT_CONSUMED line for a zero draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.money import CurrencyRounding, convert, round_money
from app.domain.periods import active_days, cut_to_active
from app.domain.timezones import local_midnight

from ..context import BillContext
from ..currency import convert_currency
from ..lines import DraftLine, LineType
from ..schedule import prorate
from ..snapshots import CurrencyInfo
from ..splits import split_block
from .snapshot import CommitmentSnapshot

__all__ = ["Share", "credit_shares", "draw_commitments", "draw_down"]

_ZERO = Decimal(0)
_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
_BASE_TYPE = {
    LineType.USAGE: LineType.USAGE,
    LineType.USAGE_CREDIT: LineType.USAGE,
    LineType.STANDING_CHARGE: LineType.STANDING_CHARGE,
    LineType.MINIMUM_SPEND: LineType.MINIMUM_SPEND,
    LineType.MINIMUM_SPEND_REFUND: LineType.MINIMUM_SPEND,
    # Counter lines (SEMANTICS §8.2 rule 5); a counter credit counts with the debits, as
    # USAGE_CREDIT does with USAGE, so a decrease reduces what a commitment pays.
    LineType.COUNTER_RUNNING_TOTAL_CHARGE: LineType.COUNTER_RUNNING_TOTAL_CHARGE,
    LineType.COUNTER_ADJUSTMENT_DEBIT: LineType.COUNTER_ADJUSTMENT_DEBIT,
    LineType.COUNTER_ADJUSTMENT_CREDIT: LineType.COUNTER_ADJUSTMENT_DEBIT,
}


@dataclass(eq=False)
class Share:
    """A line during the drawdown of one bill; amounts in the bill currency."""

    line: DraftLine
    value: Decimal  # the line's rounded converted subtotal
    open: Decimal  # neither covered by a commitment nor netted by a credit
    unmet: Decimal = _ZERO  # inside a credit source it was eligible for, left uncovered
    owner: object | None = None  # the source whose overage rules apply to ``unmet``


def draw_down(context: BillContext, lines: list[DraftLine], commitments: Sequence[CommitmentSnapshot]) -> list[Share]:
    """Append one COMMITMENT_CONSUMED line per drawing commitment; return the shares."""
    shares = credit_shares(context, lines)
    draw_commitments(context, lines, shares, commitments)
    return shares


def credit_shares(
    context: BillContext, lines: list[DraftLine], extra: frozenset[LineType] = frozenset()
) -> list[Share]:
    """The shares of the lines credit sources may draw on: the commitment types, plus
    ``extra`` types (balances); every line converted first."""
    convert_currency(context, lines)
    return [
        Share(line, line.converted_subtotal, line.converted_subtotal)
        for line in lines
        if (line.line_type in _BASE_TYPE or line.line_type in extra) and line.converted_subtotal
    ]


def draw_commitments(
    context: BillContext, lines: list[DraftLine], shares: list[Share], commitments: Sequence[CommitmentSnapshot]
) -> None:
    """Commitments draw on the shares' open money, by earliest end date."""
    for commitment in sorted(commitments, key=lambda c: c.draw_order):
        if commitment.account_id != context.account.id:
            continue
        consumed = _draw(context, commitment, shares)
        if consumed is not None:
            lines.append(consumed)


def eligible(commitment: CommitmentSnapshot, line: DraftLine) -> bool:
    base = _BASE_TYPE.get(line.line_type)
    if base is None:
        return False
    if commitment.line_item_types and base not in commitment.line_item_types:
        return False
    return not commitment.product_ids or line.product_id in commitment.product_ids


def _draw(context: BillContext, commitment: CommitmentSnapshot, shares: list[Share]) -> DraftLine | None:
    bill = context.currency(context.account.currency)
    offers = {share: _offer(context, commitment, share, bill) for share in shares if eligible(commitment, share.line)}
    offers = {share: offer for share, offer in offers.items() if offer != 0}
    positive = {share: offer for share, offer in offers.items() if offer > 0}
    total = sum(offers.values(), _ZERO)
    if total <= 0 or not positive:
        return None
    available = _available(context, commitment, bill)
    drawn = min(available, total)
    left = split_block(total - drawn, positive, bill.max_decimal_places)
    for share, offer in offers.items():
        _settle(share, offer, left.get(share, _ZERO), commitment)
    if drawn == 0:
        return None
    return _consumed_line(context, commitment, drawn, available, list(offers))


def _offer(context: BillContext, commitment: CommitmentSnapshot, share: Share, bill: CurrencyInfo) -> Decimal:
    inside = inside_part(context, commitment, share.line, share.value, bill)
    if inside == 0 or share.open == 0 or (inside > 0) != (share.open > 0):
        return _ZERO
    return min(inside, share.open) if inside > 0 else max(inside, share.open)


def inside_part(
    context: BillContext,
    commitment: CommitmentSnapshot,
    line: DraftLine,
    value: Decimal,
    bill: CurrencyInfo,
) -> Decimal:
    """The part of ``value`` for the days of the line's service period in the commitment."""
    tz = context.tz
    c_start, c_end = local_midnight(commitment.start, tz), local_midnight(commitment.end, tz)
    start, end = line.service_period_start, line.service_period_end
    days = active_days(start, end, tz)
    if days == 0:
        return value if c_start <= start < c_end else _ZERO
    cut = cut_to_active(start, end, c_start, c_end)
    inside = 0 if cut is None else active_days(*cut, tz)
    if inside == days or inside == 0:
        return value if inside else _ZERO
    return round_money(prorate(value, inside, days), bill.max_decimal_places, bill.rounding)


def _settle(share: Share, offer: Decimal, left: Decimal, commitment: CommitmentSnapshot) -> None:
    before = share.open
    share.open = before - offer + left
    if offer < 0:
        return  # netted against the positive offers: nothing of it is unmet
    overlap = max(_ZERO, share.unmet + offer - before)
    share.unmet = share.unmet - overlap + left
    if left > 0:
        share.owner = commitment
    elif share.unmet == 0:
        share.owner = None


def _available(context: BillContext, commitment: CommitmentSnapshot, bill: CurrencyInfo) -> Decimal:
    remaining = commitment.remaining
    if commitment.currency != bill.code:
        remaining = convert(remaining, context.conversion_rate(commitment.currency))
    return round_money(remaining, bill.max_decimal_places, CurrencyRounding.DOWN)


def _own_amount(context: BillContext, commitment: CommitmentSnapshot, drawn: Decimal, available: Decimal) -> Decimal:
    """The draw in the commitment currency."""
    if commitment.currency == context.account.currency:
        return drawn
    if drawn == available:
        return commitment.remaining
    own = context.currency(commitment.currency)
    with localcontext(_QUOTIENT):
        exact = drawn / context.conversion_rate(commitment.currency)
    rounded = round_money(exact, own.max_decimal_places, own.rounding)
    return min(rounded, commitment.remaining)


def _consumed_line(
    context: BillContext,
    commitment: CommitmentSnapshot,
    drawn: Decimal,
    available: Decimal,
    offered: list[Share],
) -> DraftLine:
    own_amount = _own_amount(context, commitment, drawn, available)
    own = context.currency(commitment.currency)
    start, end = span(context, commitment, offered)
    return DraftLine(
        line_type=LineType.COMMITMENT_CONSUMED,
        amount=-own_amount,
        currency=commitment.currency,
        account_plan_id=None,
        plan_id=None,
        product_id=None,
        service_period_start=start,
        service_period_end=end,
        description=commitment.consumed_description,
        commitment_id=commitment.id,
        # Set here, not by conversion: the line must offset exactly what it covered.
        conversion_rate=context.conversion_rate(commitment.currency),
        subtotal=round_money(-own_amount, own.max_decimal_places, own.rounding),
        converted_subtotal=-drawn,
    )


def span(context: BillContext, commitment: CommitmentSnapshot, shares: Sequence[Share]) -> tuple[datetime, datetime]:
    """The service span of the lines, cut to the commitment where they overlap it."""
    start = min(share.line.service_period_start for share in shares)
    end = max(share.line.service_period_end for share in shares)
    c_start = local_midnight(commitment.start, context.tz)
    c_end = local_midnight(commitment.end, context.tz)
    return cut_to_active(start, end, c_start, c_end) or (start, end)
