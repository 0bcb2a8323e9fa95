"""Capping USAGE_CREDIT lines (SEMANTICS §7.2 item 1).

Concepts
- A PRODUCT_CREDIT line may reduce its product's total to zero, a GLOBAL_CREDIT line the
  whole bill's total, never below. The cap compares, in the bill currency, the credit's
  converted subtotal with what is *available*: ``max(0, Σ converted subtotals)`` of the
  other lines in its scope (the product's lines, or all lines) — every line type (usage,
  standing charges, minimums, refunds) plus the credits already applied.
- Order of application **(decision)**: product credits first, then global credits, each
  group in bill-line order; so a targeted credit is used before a general one, and two
  credits together never take a scope below zero.
- A capped credit's converted subtotal is exactly ``−available``; its exact amount is
  ``−available / rate`` (50 significant digits when the quotient does not terminate) and
  its subtotal that amount rounded in the line currency. Its quantity, units and band
  breakdown still show the full usage.

Invariants
- Caps use rounded converted subtotals, so the scope's total *as printed* is never
  negative after its credits (an exact-amount cap could leave −0.01 after rounding).
- A credit capped to zero keeps its line (subtotal 0): the usage was measured and the
  customer sees the credit could not apply.
- Runs after usage, standing charges and minimums, before any commitment step.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.money import round_money

from .context import BillContext
from .currency import convert_currency
from .lines import DraftLine, LineType
from .snapshots import PricingType

__all__ = ["cap_credits"]

_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
_SUM = Context(prec=200, traps=[InvalidOperation])


def cap_credits(context: BillContext, lines: list[DraftLine]) -> None:
    """Step: cap every USAGE_CREDIT line to what its scope has available."""
    convert_currency(context, lines)
    credits = [line for line in lines if line.line_type is LineType.USAGE_CREDIT]
    credits.sort(key=lambda line: line.credit_type is PricingType.GLOBAL_CREDIT)  # stable
    applied: set[int] = set()
    for credit in credits:
        available = _available(lines, credit, applied)
        assert credit.converted_subtotal is not None  # converted above
        if -credit.converted_subtotal > available:
            _cap(context, credit, available)
        applied.add(id(credit))


def _available(lines: list[DraftLine], credit: DraftLine, applied: set[int]) -> Decimal:
    product_only = credit.credit_type is PricingType.PRODUCT_CREDIT
    with localcontext(_SUM):
        total = sum(
            (
                line.converted_subtotal or Decimal(0)
                for line in lines
                if line is not credit
                and (line.line_type is not LineType.USAGE_CREDIT or id(line) in applied)
                and (not product_only or line.product_id == credit.product_id)
            ),
            Decimal(0),
        )
    return max(total, Decimal(0))


def _cap(context: BillContext, credit: DraftLine, available: Decimal) -> None:
    own = context.currency(credit.currency)
    bill = context.currency(context.account.currency)
    rate = context.conversion_rate(credit.currency)
    if rate == 1:
        amount = -available
    else:
        with localcontext(_QUOTIENT):
            amount = -available / rate
    credit.amount = amount if amount else amount.copy_abs()
    credit.subtotal = round_money(credit.amount, own.max_decimal_places, own.rounding)
    credit.converted_subtotal = round_money(-available, bill.max_decimal_places, bill.rounding)
