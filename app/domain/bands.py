"""Tiered and volume band pricing (SEMANTICS §4.4) of units (``units.to_units``, §3.3).

Concepts
- Bands: ``L1 = 0 < L2 < … < Lm`` with ``L(m+1) = ∞``. Band 1 covers
  ``[0, L2]``; band i > 1 covers ``(Li, L(i+1)]``: a lower limit is exclusive
  except for the first band, so "$12 up to 4 units" prices exactly 4 units at
  $12. Units below zero (credits, corrections) all belong to band 1.
- Tiered (cumulative): every band takes the units that fall inside it,
  ``units_i = clamp(u − Li, 0, L(i+1) − Li)`` (band 1: ``min(u, L2)``, so it
  also takes all negative units), and the fixed price of every band entered
  (band 1 always, band i > 1 when ``u > Li``).
- Volume (non-cumulative): all units at the price of the one band containing
  u, plus that band's fixed price. All unit prices zero = stairstep pricing.
- Spanning (tiersSpanPlan): ``previous_units`` (U_prev) are the units of the
  earlier periods of the same account plan. Tiered charges
  ``Tier(U_prev + u) − Tier(U_prev)`` per band; a band's fixed price is
  charged only when the band is entered now and was not entered before.
  Band 1 counts as entered before exactly when ``U_prev != 0`` (see
  ``_was_entered``). Volume prices u at the band of ``U_prev + u`` and
  charges that band's fixed price in every period.

Invariants
- Decimal only; floats are rejected. Subtotals are exact: arithmetic runs in
  a 200-digit context that traps Inexact, so a digit can never be dropped
  silently. Rounding to currency happens elsewhere (``money.round_money``).
- A charge's bands are the bands this period touches, in ascending order;
  for each, ``band_subtotal == band_units × unit_price + fixed_price`` and
  ``band_quantity == band_units × quantity_per_unit``, where ``fixed_price``
  is the fixed price actually charged in this period (0 when an earlier
  period already paid it). The band subtotals sum to ``Charge.subtotal``.
- ``average_unit_price = subtotal / units`` to 50 significant digits; 0 when
  units is 0.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

from app.domain.decimals import QUOTIENT, require_finite_decimal, require_positive

__all__ = [
    "PricingBand",
    "BandUsage",
    "Charge",
    "validate_bands",
    "tiered_charge",
    "volume_charge",
    "band_charge",
]

_ZERO = Decimal(0)

# Sums and products of band arithmetic are exact; 200 digits is far beyond
# any real input and Inexact is trapped so a breach raises instead of rounding.
_EXACT = Context(
    prec=200,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PricingBand:
    """One band of a pricing: its lower limit (in units) and its prices."""

    lower_limit: Decimal
    unit_price: Decimal
    fixed_price: Decimal = Decimal(0)


@dataclass(frozen=True)
class BandUsage:
    """One line of a charge's breakdown: what one band contributed.

    ``fixed_price`` is the fixed price charged in this period: the band's
    fixed price, or 0 when an earlier period of the plan already paid it.
    """

    lower_limit: Decimal
    unit_price: Decimal
    fixed_price: Decimal
    band_units: Decimal
    band_quantity: Decimal
    band_subtotal: Decimal


@dataclass(frozen=True)
class Charge:
    """The exact (unrounded) price of ``units`` with its per-band breakdown."""

    units: Decimal
    subtotal: Decimal
    average_unit_price: Decimal
    bands: tuple[BandUsage, ...]


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

_FIELDS = (("lowerLimit", "lower_limit"), ("unitPrice", "unit_price"), ("fixedPrice", "fixed_price"))
_FIELD_ORDER = {field: position for position, (field, _) in enumerate(_FIELDS)}


def validate_bands(bands: Sequence[PricingBand]) -> list[tuple[int, str, str]]:
    """Problems as ``(band index, field, message)``; empty when the bands are usable.

    Bands must be given in ascending order: only the first index whose limit
    is not above its predecessor's is reported. Prices may be negative (a
    discount band); they must only be finite Decimals.
    """
    if len(bands) == 0:
        return [(0, "lowerLimit", "at least one pricing band is required")]
    problems: list[tuple[int, str, str]] = []
    for index, band in enumerate(bands):
        for field, attribute in _FIELDS:
            value = getattr(band, attribute, None)
            if not isinstance(value, Decimal) or not value.is_finite():
                problems.append((index, field, f"{field} must be a finite decimal"))
    invalid = {index for index, field, _ in problems if field == "lowerLimit"}
    problems.extend(_limit_problems(bands, invalid))
    problems.sort(key=lambda problem: (problem[0], _FIELD_ORDER[problem[1]]))
    return problems


def _limit_problems(bands: Sequence[PricingBand], invalid: set[int]) -> list[tuple[int, str, str]]:
    # One lowerLimit problem per band at most, and one ordering problem overall.
    problems: list[tuple[int, str, str]] = []
    ordering_reported = False
    for index, band in enumerate(bands):
        if index in invalid:
            continue
        limit = band.lower_limit
        if index == 0:
            if limit != 0:
                problems.append((0, "lowerLimit", "the first band's lowerLimit must be 0"))
        elif limit < 0:
            problems.append((index, "lowerLimit", "lowerLimit must not be negative"))
        elif not ordering_reported and index - 1 not in invalid:
            if limit <= bands[index - 1].lower_limit:
                problems.append((index, "lowerLimit", "lowerLimit must be greater than the previous band's"))
                ordering_reported = True
    return problems


# A pricing's bands reach every charge of a run as the one tuple its snapshot holds, and a
# tuple of frozen bands cannot change: its problems are kept by identity (with the tuple,
# so that its id is not reused meanwhile), and a run validates each pricing's bands once
# instead of once per charge. Any other sequence is validated every time.
_KEPT_PROBLEMS: dict[int, tuple[tuple[PricingBand, ...], list[tuple[int, str, str]]]] = {}
_PROBLEMS_KEPT = 4096


def _band_problems(bands: Sequence[PricingBand]) -> list[tuple[int, str, str]]:
    if type(bands) is not tuple:
        return validate_bands(bands)
    kept = _KEPT_PROBLEMS.get(id(bands))
    if kept is not None and kept[0] is bands:
        return kept[1]
    problems = validate_bands(bands)
    if len(_KEPT_PROBLEMS) >= _PROBLEMS_KEPT:
        _KEPT_PROBLEMS.clear()
    _KEPT_PROBLEMS[id(bands)] = (bands, problems)
    return problems


def _check_inputs(bands: Sequence[PricingBand], units: Decimal, previous_units: Decimal, per_unit: Decimal) -> None:
    problems = _band_problems(bands)
    if problems:
        detail = "; ".join(f"band {i} {field}: {message}" for i, field, message in problems)
        raise ValueError(f"invalid pricing bands: {detail}")
    require_finite_decimal("units", units)
    require_finite_decimal("previous_units", previous_units)
    require_positive("quantity_per_unit", per_unit)


# --------------------------------------------------------------------------
# Band arithmetic
# --------------------------------------------------------------------------


def _band_at(bands: Sequence[PricingBand], position: Decimal) -> int:
    """Index of the band containing ``position`` (band 1 for anything <= L2)."""
    limits = [band.lower_limit for band in bands]
    # bisect_left counts the limits strictly below position; lower limits
    # are exclusive, so position == Li still belongs to the band below.
    return max(bisect_left(limits, position) - 1, 0)


def _tier_units(bands: Sequence[PricingBand], index: int, position: Decimal) -> Decimal:
    """``units_i(position)``: the units band ``index`` holds when ``position`` units are used."""
    lower = bands[index].lower_limit
    upper = bands[index + 1].lower_limit if index + 1 < len(bands) else None
    if index == 0:
        # Band 1 takes every negative unit: no lower clamp.
        return position if upper is None else min(position, upper)
    above = max(position - lower, _ZERO)
    return above if upper is None else min(above, upper - lower)


def _entered(bands: Sequence[PricingBand], index: int, position: Decimal) -> bool:
    return index == 0 or position > bands[index].lower_limit


def _was_entered(bands: Sequence[PricingBand], index: int, previous_units: Decimal) -> bool:
    # Band 1 is "always entered", which read literally would mean its fixed
    # price is never charged under tiersSpanPlan (Tier(P+u) − Tier(P) cancels
    # it), not even in the plan's first period. Decision: earlier periods
    # paid it exactly when they recorded units, i.e. previous_units != 0; so
    # previous_units == 0 (the default, no earlier usage) charges it.
    if index == 0:
        return previous_units != 0
    return previous_units > bands[index].lower_limit


def _usage(band: PricingBand, units: Decimal, fixed: Decimal, per_unit: Decimal) -> BandUsage:
    return BandUsage(
        lower_limit=band.lower_limit,
        unit_price=band.unit_price,
        fixed_price=fixed,
        band_units=units,
        band_quantity=units * per_unit,
        band_subtotal=units * band.unit_price + fixed,
    )


def _make_charge(units: Decimal, usages: Sequence[BandUsage]) -> Charge:
    subtotal = sum((usage.band_subtotal for usage in usages), _ZERO)
    if units == 0:
        average = _ZERO
    else:
        with localcontext(QUOTIENT):
            average = subtotal / units
    return Charge(units=units, subtotal=subtotal, average_unit_price=average, bands=tuple(usages))


# --------------------------------------------------------------------------
# Charges
# --------------------------------------------------------------------------


def tiered_charge(
    bands: Sequence[PricingBand],
    units: Decimal,
    *,
    previous_units: Decimal = Decimal(0),
    quantity_per_unit: Decimal = Decimal(1),
) -> Charge:
    """Cumulative pricing of ``units`` placed after ``previous_units``.

    Each band contributes ``units_i(P + u) − units_i(P)`` units and its fixed
    price if entered now but not before. Listed: the bands whose units change;
    when ``units`` is 0, the band at position ``previous_units`` (band 1 with
    its fixed price for a zero result without earlier usage).
    """
    _check_inputs(bands, units, previous_units, quantity_per_unit)
    with localcontext(_EXACT):
        end = previous_units + units
        idle = _band_at(bands, previous_units) if units == 0 else None
        usages = []
        for index, band in enumerate(bands):
            band_units = _tier_units(bands, index, end) - _tier_units(bands, index, previous_units)
            charged = _entered(bands, index, end) and not _was_entered(bands, index, previous_units)
            if band_units == 0 and not charged and index != idle:
                continue
            fixed = band.fixed_price if charged else _ZERO
            usages.append(_usage(band, band_units, fixed, quantity_per_unit))
        return _make_charge(units, usages)


def volume_charge(
    bands: Sequence[PricingBand],
    units: Decimal,
    *,
    previous_units: Decimal = Decimal(0),
    quantity_per_unit: Decimal = Decimal(1),
) -> Charge:
    """Non-cumulative pricing: ``u × unitPrice_j + fixedPrice_j``.

    j is the band containing ``previous_units + units`` (so with
    tiersSpanPlan earlier periods move later ones into higher bands). The
    fixed price is charged in every period: it prices the period's volume,
    unlike a tiered band's fixed price which is an entry fee paid once.
    """
    _check_inputs(bands, units, previous_units, quantity_per_unit)
    with localcontext(_EXACT):
        band = bands[_band_at(bands, previous_units + units)]
        usage = _usage(band, units, band.fixed_price, quantity_per_unit)
        return _make_charge(units, [usage])


def band_charge(
    bands: Sequence[PricingBand],
    units: Decimal,
    *,
    cumulative: bool,
    previous_units: Decimal = Decimal(0),
    quantity_per_unit: Decimal = Decimal(1),
) -> Charge:
    """Tiered pricing when ``cumulative`` is true, volume pricing otherwise."""
    price = tiered_charge if cumulative else volume_charge
    return price(bands, units, previous_units=previous_units, quantity_per_unit=quantity_per_unit)
