"""OVERAGE_SURCHARGE and OVERAGE_USAGE lines: charges beyond a commitment (SEMANTICS §7.2 item 5).

Concepts
- A commitment's *overage* on a bill is the unmet money it owns (see ``drawdown``): the
  eligible charges inside it that it (and every commitment drawing after it) could not
  cover once its remaining amount hit zero. Charges outside every commitment are not
  overage; they are simply billed.
- Surcharge: ``overage × overage_surcharge_percent / 100`` as one OVERAGE_SURCHARGE line
  per commitment, in the bill currency (it is a figure of the printed bill); a negative
  percent is a discount. It wins when a (bad) snapshot also asks for separate usage.
- Separate overage usage (percent 0 or absent): each owned USAGE line with unmet money
  is split into USAGE (the covered part) and OVERAGE_USAGE (the part beyond).
  **Decision**: the overage units of a line are ``units × unmet / line value`` — the
  commitment is spread over a bill's usage lines in proportion to their charges (as the
  drawdown allocates it), and within a line at its average unit price, since money does
  not map back to band positions. Quantity scales the same way; the split parts sum to
  the original line's amount, units and quantity and carry no band breakdown.
  The OVERAGE_USAGE part is re-rated with the pricing's ``overage_bands`` when it has
  them (tiers counted from 0 on each line, with its own breakdown), else it keeps the
  original rate. A wholly unmet line just changes type (and is re-rated likewise).
  Standing charges and minimums beyond a separate-usage commitment stay as they are.

Invariants
- Without overage bands, separating changes no amount: the covered and overage parts'
  converted subtotals are exactly the line's covered and unmet money.
- Overage lines carry the commitment's id; their description is the commitment's
  ``overage_description`` (a usage line keeps its own when that is absent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.bands import band_charge
from app.domain.money import round_money

from ..children import line_pricing
from ..context import BillContext
from ..currency import convert_line
from ..lines import BillFailure, DraftLine, LineType
from ..snapshots import PricingSnapshot
from .drawdown import Share, span
from .snapshot import CommitmentSnapshot

__all__ = ["apply_overage"]

_ZERO = Decimal(0)
_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
_PRODUCT = Context(prec=200, traps=[InvalidOperation])


def apply_overage(
    context: BillContext,
    lines: list[DraftLine],
    shares: Sequence[Share],
    commitments: Sequence[CommitmentSnapshot],
) -> None:
    """Add the overage lines of every commitment that owns unmet money."""
    for commitment in sorted(commitments, key=lambda c: c.draw_order):
        owned = [s for s in shares if s.owner is commitment and s.unmet > 0]
        if not owned:
            continue
        percent = commitment.overage_surcharge_percent
        if percent:
            surcharge = _surcharge_line(context, commitment, owned, percent)
            if surcharge is not None:
                lines.append(surcharge)
        elif commitment.separate_overage_usage:
            for share in owned:
                if share.line.line_type is LineType.USAGE:
                    lines.extend(_separate(context, share, commitment))


def _surcharge_line(
    context: BillContext,
    commitment: CommitmentSnapshot,
    owned: list[Share],
    percent: Decimal,
) -> DraftLine | None:
    overage = sum((share.unmet for share in owned), _ZERO)
    with localcontext(_PRODUCT):
        amount = overage * percent / 100
    if amount == 0:
        return None
    start, end = span(context, commitment, owned)
    return DraftLine(
        line_type=LineType.OVERAGE_SURCHARGE,
        amount=amount,
        currency=context.account.currency,
        account_plan_id=None,
        plan_id=None,
        product_id=None,
        service_period_start=start,
        service_period_end=end,
        description=commitment.overage_description,
        commitment_id=commitment.id,
    )


def _separate(context: BillContext, share: Share, commitment: CommitmentSnapshot) -> list[DraftLine]:
    """Split (or turn) a USAGE line into its OVERAGE_USAGE part; return new lines."""
    line = share.line
    pricing = line_pricing(context, line)
    unmet = min(share.unmet, share.value)
    if unmet == share.value:
        _mark(line, commitment)
        if pricing.overage_bands:
            _rerate(context, line, pricing)
        return []
    overage = _split_off(context, line, share.value, unmet)
    _mark(overage, commitment)
    if pricing.overage_bands:
        _rerate(context, overage, pricing)
    return [overage]


def _mark(line: DraftLine, commitment: CommitmentSnapshot) -> None:
    line.line_type = LineType.OVERAGE_USAGE
    line.commitment_id = commitment.id
    line.description = commitment.overage_description or line.description


def _split_off(context: BillContext, line: DraftLine, value: Decimal, unmet: Decimal) -> DraftLine:
    """Cut ``unmet / value`` of the line off into a new line (figures set exactly)."""
    own = context.currency(line.currency)
    amount = _scaled(line.amount, unmet, value)
    units = None if line.units is None else _scaled(line.units, unmet, value)
    quantity = None if line.quantity is None else _scaled(line.quantity, unmet, value)
    overage = replace(
        line,
        amount=amount,
        units=units,
        quantity=quantity,
        usage_per_pricing_band=(),
        subtotal=round_money(amount, own.max_decimal_places, own.rounding),
        converted_subtotal=unmet,
    )
    with localcontext(_PRODUCT):
        line.amount -= amount
        if line.units is not None and units is not None:
            line.units -= units
        if line.quantity is not None and quantity is not None:
            line.quantity -= quantity
    line.usage_per_pricing_band = ()
    line.subtotal = round_money(line.amount, own.max_decimal_places, own.rounding)
    line.converted_subtotal = value - unmet
    return overage


def _scaled(figure: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    """``figure × numerator / denominator``: multiplied first, so 600 × 200 / 600 is 200."""
    with localcontext(_PRODUCT):
        product = figure * numerator
    with localcontext(_QUOTIENT):
        return product / denominator


def _rerate(context: BillContext, line: DraftLine, pricing: PricingSnapshot) -> None:
    target = pricing.target
    try:
        charge = band_charge(
            pricing.overage_bands,
            line.units if line.units is not None else _ZERO,
            cumulative=pricing.cumulative,
            quantity_per_unit=target.quantity_per_unit,
        )
    except ValueError as error:
        raise BillFailure(f"pricing {pricing.code or pricing.id} overage bands: {error}") from error
    line.amount = charge.subtotal
    line.average_unit_price = charge.average_unit_price
    line.usage_per_pricing_band = charge.bands
    line.conversion_rate = line.subtotal = line.converted_subtotal = None
    convert_line(context, line)
