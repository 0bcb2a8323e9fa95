"""How big and how fine a decimal a client may send (finding: ``1e20000000`` was stored
and served as a 20 MB string).

Concepts
- ``decimal_problem(value)``: why a finite Decimal is out of bounds, or None. Bounds:
  at most ``MAX_SIGNIFICANT_DIGITS`` significant digits, magnitude below
  10^(``MAX_EXPONENT`` + 1), and no digit finer than 10^-``MAX_EXPONENT`` (trailing
  zeros count: ``1.000…`` with thousands of zeros is as long to store and print).
- ``MAX_TEXT``: characters of a decimal's text, checked before parsing it.
- ``require_finite_decimal`` / ``require_positive``: the argument checks of the pure
  pricing functions (units, bands): a Decimal, finite (and above zero).
- ``QUOTIENT``: the context of quotients that cannot be exact (``1 / 3`` as units, an
  average unit price), ``QUOTIENT_PRECISION`` significant digits.

Invariants
- A value within bounds prints in positional notation in at most about 2 ×
  ``MAX_EXPONENT`` characters, and PostgreSQL ``numeric`` holds it exactly; every
  product of two such values the billing code forms stays within ``decimal``'s
  50-digit contexts' exact range for prices times quantities.
- Pure: standard library only.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

__all__ = [
    "MAX_SIGNIFICANT_DIGITS",
    "MAX_EXPONENT",
    "MAX_TEXT",
    "QUOTIENT",
    "QUOTIENT_PRECISION",
    "decimal_problem",
    "require_finite_decimal",
    "require_positive",
    "significant_digits",
]

MAX_SIGNIFICANT_DIGITS = 30
MAX_EXPONENT = 30
MAX_TEXT = 100

# Significant digits kept by quotients that cannot be exact (1/3 with
# rounding NONE, an average unit price): far beyond any currency's places.
QUOTIENT_PRECISION = 50
# The context of those quotients, made once (localcontext works on a copy of it).
QUOTIENT = Context(prec=QUOTIENT_PRECISION, traps=[InvalidOperation])


def significant_digits(number: Decimal) -> int:
    """Digits of ``number`` without its trailing zeros (0 has one)."""
    digits = number.as_tuple().digits
    kept = len(digits)
    while kept > 1 and digits[kept - 1] == 0:
        kept -= 1
    return kept


def decimal_problem(number: Decimal) -> str | None:
    if not number.is_finite():
        return "must be a finite number"
    if significant_digits(number) > MAX_SIGNIFICANT_DIGITS:
        return f"must have at most {MAX_SIGNIFICANT_DIGITS} significant digits"
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if (
        number.adjusted() > MAX_EXPONENT
        or (not number.is_zero() and number.adjusted() < -MAX_EXPONENT)
        or exponent < -MAX_EXPONENT
        or exponent > MAX_EXPONENT
    ):
        return f"must lie within ±1e{MAX_EXPONENT + 1} with no digit below 1e-{MAX_EXPONENT}"
    return None


def require_finite_decimal(name: str, value: object) -> Decimal:
    # int and float are refused: the contract is Decimal end to end.
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def require_positive(name: str, value: object) -> Decimal:
    decimal = require_finite_decimal(name, value)
    if decimal <= 0:
        raise ValueError(f"{name} must be greater than 0, got {decimal}")
    return decimal
