"""How big and how fine a decimal a client may send (finding: ``1e20000000`` was stored
and served as a 20 MB string).

Concepts
- ``decimal_problem(value)``: why a finite Decimal is out of bounds, or None. Bounds:
  at most ``MAX_SIGNIFICANT_DIGITS`` significant digits, magnitude below
  10^(``MAX_EXPONENT`` + 1), and no digit finer than 10^-``MAX_EXPONENT`` (trailing
  zeros count: ``1.000…`` with thousands of zeros is as long to store and print).
- ``MAX_TEXT``: characters of a decimal's text, checked before parsing it.

Invariants
- A value within bounds prints in positional notation in at most about 2 ×
  ``MAX_EXPONENT`` characters, and PostgreSQL ``numeric`` holds it exactly; every
  product of two such values the billing code forms stays within ``decimal``'s
  50-digit contexts' exact range for prices times quantities.
- Pure: standard library only.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["MAX_SIGNIFICANT_DIGITS", "MAX_EXPONENT", "MAX_TEXT", "decimal_problem", "significant_digits"]

MAX_SIGNIFICANT_DIGITS = 30
MAX_EXPONENT = 30
MAX_TEXT = 100


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
