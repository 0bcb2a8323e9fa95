"""Money: rounding amounts to a currency's precision, and currency conversion.

Concepts
- ``CurrencyRounding``: the seven rounding modes an organisation can choose for
  a currency (m3ter's names). UP rounds away from zero, DOWN toward zero,
  CEILING toward +infinity, FLOOR toward -infinity; the HALF_* modes round to
  the nearest value and differ only on an exact half.
- ``round_money``: quantizes an amount to a fixed number of decimal places.
- ``convert``: the exact product of an amount and a conversion multiplier.

Invariants
- Everything is ``decimal.Decimal``; a float (or any other number type) is
  rejected with ``TypeError`` rather than silently converted, because a float
  has already lost the exact value.
- ``round_money`` returns a Decimal whose exponent is exactly ``-places``
  (``str`` shows exactly ``places`` decimals), never a negative zero, and it
  never raises ``InvalidOperation`` for lack of precision: it works in a local
  context sized to the amount, leaving the caller's context untouched.
- ``convert`` is exact: no digits are dropped, whatever the ambient context.
"""

from __future__ import annotations

from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import Enum
from functools import lru_cache

from app.domain.decimals import require_finite_decimal

__all__ = ["CurrencyRounding", "MIN_PLACES", "MAX_PLACES", "round_money", "convert"]

MIN_PLACES = 0
MAX_PLACES = 5

# Working precision never drops below the decimal module's default.
_BASE_PRECISION = 28


class CurrencyRounding(str, Enum):
    """How an amount is rounded to its currency's number of decimal places."""

    UP = "UP"  # away from zero
    DOWN = "DOWN"  # toward zero
    CEILING = "CEILING"  # toward +infinity
    FLOOR = "FLOOR"  # toward -infinity
    HALF_UP = "HALF_UP"  # nearest; a half goes away from zero
    HALF_DOWN = "HALF_DOWN"  # nearest; a half goes toward zero
    HALF_EVEN = "HALF_EVEN"  # nearest; a half goes to the even neighbour

    @property
    def decimal_rounding(self) -> str:
        """The ``decimal`` module constant implementing this mode."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING: dict[CurrencyRounding, str] = {
    CurrencyRounding.UP: ROUND_UP,
    CurrencyRounding.DOWN: ROUND_DOWN,
    CurrencyRounding.CEILING: ROUND_CEILING,
    CurrencyRounding.FLOOR: ROUND_FLOOR,
    CurrencyRounding.HALF_UP: ROUND_HALF_UP,
    CurrencyRounding.HALF_DOWN: ROUND_HALF_DOWN,
    CurrencyRounding.HALF_EVEN: ROUND_HALF_EVEN,
}


def round_money(amount: Decimal, places: int, mode: CurrencyRounding) -> Decimal:
    """Round ``amount`` to exactly ``places`` decimals (0..5) using ``mode``.

    ``round_money(Decimal("1.005"), 2, CurrencyRounding.HALF_UP)`` is
    ``Decimal("1.01")``. A result of zero is returned as positive zero
    (``0.00``, not ``-0.00``), so a tiny negative amount never prints a sign.
    """
    require_finite_decimal("amount", amount)
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"places must be an int, got {type(places).__name__}")
    if not MIN_PLACES <= places <= MAX_PLACES:
        raise ValueError(f"places must be between {MIN_PLACES} and {MAX_PLACES}, got {places}")
    rounding = CurrencyRounding(mode).decimal_rounding
    # quantize raises InvalidOperation when the result needs more digits than
    # the context precision: size the precision to the integer digits plus
    # the requested places (+2 for a carry such as 9.99 -> 10.0).
    precision = max(_BASE_PRECISION, amount.adjusted() + places + 2)
    result = amount.quantize(_EXPONENTS[places], context=_rounding_context(precision, rounding))
    if result.is_zero():
        result = result.copy_abs()
    return result


# Every line of every bill is rounded a few times: the exponents and contexts are made once.
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(MIN_PLACES, MAX_PLACES + 1)}


@lru_cache(maxsize=256)
def _rounding_context(precision: int, rounding: str) -> Context:
    return Context(prec=precision, rounding=rounding, traps=[InvalidOperation])


def convert(amount: Decimal, multiplier: Decimal) -> Decimal:
    """Return ``amount × multiplier`` exactly (e.g. a currency conversion rate).

    The product of an n-digit and an m-digit coefficient has at most n + m
    digits, so a context of that precision never rounds; Inexact is trapped
    anyway so a mistake here could not silently drop a digit.
    """
    require_finite_decimal("amount", amount)
    require_finite_decimal("multiplier", multiplier)
    digits = len(amount.as_tuple().digits) + len(multiplier.as_tuple().digits)
    context = Context(
        prec=max(_BASE_PRECISION, digits),
        traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
    )
    with localcontext(context):
        return amount * multiplier
