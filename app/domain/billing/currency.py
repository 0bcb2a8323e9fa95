"""Currency of bill lines: rounding and conversion to the bill currency (SEMANTICS §7.2 items 6–7).

Concepts
- A line's ``currency`` is its plan's (pricing) currency; the bill currency is the
  account's (resolved by the service). ``conversion_rate`` is 1 for the same currency,
  else the organization's (or bill job's) multiplier for exactly that (from, to) pair.
- ``subtotal = round(exact amount)`` in the line currency's places and mode;
  ``converted_subtotal = round(exact amount × rate)`` in the bill currency's places and
  mode **(decision: converted from the exact amount, not from the rounded subtotal, so
  rounding happens once per figure)**.

Invariants
- A missing conversion, or a currency the organization does not define, raises
  ``BillFailure`` naming it; the inverse pair is never used in its place (its reciprocal
  is usually not exact, and §2.1 defines a conversion by its direction).
- Converting is idempotent: a line that already has its figures is left alone, so steps
  that need rounded figures (credit caps, later commitments) can convert early.
"""

from __future__ import annotations

from app.domain.money import convert, round_money

from .context import BillContext
from .lines import DraftLine

__all__ = ["convert_currency", "convert_line"]


def convert_currency(context: BillContext, lines: list[DraftLine]) -> None:
    """Step: give every line not yet converted its rate, subtotal and converted subtotal."""
    for line in lines:
        if not line.is_converted:
            convert_line(context, line)


def convert_line(context: BillContext, line: DraftLine) -> None:
    own = context.currency(line.currency)
    bill = context.currency(context.account.currency)
    rate = context.conversion_rate(line.currency)
    line.conversion_rate = rate
    line.subtotal = round_money(line.amount, own.max_decimal_places, own.rounding)
    if line.currency == context.account.currency:
        # Same currency: rate 1, same places and mode, so the same rounding of the same amount.
        line.converted_subtotal = line.subtotal
        return
    line.converted_subtotal = round_money(convert(line.amount, rate), bill.max_decimal_places, bill.rounding)
