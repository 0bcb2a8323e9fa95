"""Units from quantities (SEMANTICS §3.3): an aggregation's quantity divided by its
``quantityPerUnit``, then rounded to whole units or kept exact.

Concepts
- ``UnitRounding``: UP = ceiling, DOWN = floor (both toward ±infinity, also for negative
  quantities), NEAREST = half away from zero, NONE = the exact quotient.
- ``to_units``: billable units of a quantity; no usage (None) stays None.

Invariants
- Decimal only; floats are rejected. Whole-unit roundings are decided from the exact
  integer quotient and remainder, so quantities of any number of digits round correctly;
  NONE keeps ``QUOTIENT_PRECISION`` significant digits of a quotient that cannot be exact.
- Never -0: a zero result is always positive zero.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from enum import Enum
from functools import lru_cache
from typing import cast

from app.domain.decimals import QUOTIENT, QUOTIENT_PRECISION, require_finite_decimal, require_positive

__all__ = ["UnitRounding", "to_units"]

_ONE = Decimal(1)


class UnitRounding(str, Enum):
    """How ``quantity / quantityPerUnit`` becomes billable units."""

    UP = "UP"  # ceiling: toward +infinity, also for negative quantities
    DOWN = "DOWN"  # floor: toward -infinity, also for negative quantities
    NEAREST = "NEAREST"  # nearest whole unit; a half goes away from zero
    NONE = "NONE"  # the exact quotient (50 significant digits at most)


def to_units(quantity: Decimal | None, quantity_per_unit: Decimal, rounding: UnitRounding) -> Decimal | None:
    """Billable units for ``quantity``; ``None`` (no usage) stays ``None``.

    Whole-unit roundings are decided from the exact integer quotient and
    remainder, so even quantities with more than 50 digits round correctly.
    NONE divides in a 50-digit context: an exact quotient (7.5 / 1.5 = 5)
    keeps every digit, a repeating one (1 / 3) keeps 50 significant digits.
    """
    if quantity is None:
        return None
    require_finite_decimal("quantity", quantity)
    require_positive("quantity_per_unit", quantity_per_unit)
    if type(rounding) is not UnitRounding:  # its value given (most callers pass the member itself)
        rounding = UnitRounding(rounding)
    if rounding is UnitRounding.NONE:
        with localcontext(QUOTIENT):
            return _positive_zero(quantity / quantity_per_unit)
    return _whole_units(quantity, quantity_per_unit, rounding)


def _whole_units(quantity: Decimal, per_unit: Decimal, rounding: UnitRounding) -> Decimal:
    # Every number below (quotient, remainder, twice the remainder) lies
    # between the smaller exponent and the larger magnitude of the inputs:
    # a precision spanning that range makes each step exact (Inexact trapped).
    top = max(quantity.adjusted(), per_unit.adjusted())
    # Finite inputs: each exponent is an int (not the "n"/"N"/"F" of NaN or infinity).
    bottom = min(cast(int, quantity.as_tuple().exponent), cast(int, per_unit.as_tuple().exponent))
    digits = max(QUOTIENT_PRECISION, top - bottom + 3)
    with localcontext(_whole_units_context(digits)):
        # whole is truncated toward zero; rest has the sign of quantity.
        whole, rest = divmod(quantity, per_unit)
        if rounding is UnitRounding.UP and rest > 0:
            whole += 1
        elif rounding is UnitRounding.DOWN and rest < 0:
            whole -= 1
        elif rounding is UnitRounding.NEAREST and 2 * abs(rest) >= per_unit:
            whole += 1 if quantity > 0 else -1
        return _positive_zero(whole.quantize(_ONE))


@lru_cache(maxsize=64)
def _whole_units_context(digits: int) -> Context:
    return Context(prec=digits, traps=[InvalidOperation, Inexact])


def _positive_zero(value: Decimal) -> Decimal:
    # -0 compares equal to 0 but prints "-0": never let it reach an invoice.
    return value.copy_abs() if value.is_zero() else value
