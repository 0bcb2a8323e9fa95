"""The values a measurement may carry, and why one is refused (SEMANTICS §6).

Concepts
- ``Rejection``: why one measurement is not stored, a stable ``code`` and a ``reason``.
- ``number_value(value, where)``: the exact check of a number (ints are converted to
  Decimal); ``plain_number(value)``: its fast path, the same value when it plainly passes,
  None when only the exact check can tell.
- ``string_value(value, where, metadata)``: the exact check of a string.

Invariants
- A stored number is a finite ``Decimal`` within 1e±``MAX_EXPONENT``, of at most
  ``MAX_DIGITS`` significant digits and no digit below 1e-(MAX_EXPONENT + MAX_DIGITS),
  so that PostgreSQL ``numeric`` (in jsonb) holds it exactly; booleans are not numbers.
  A zero is within every bound: one whose exponent is beyond them (``0e5000``) is
  stored as 0.
- A stored string holds no NUL, and at most ``MAX_STRING`` characters (``MAX_METADATA``
  in the metadata section).
- ``plain_number`` never passes what ``number_value`` refuses.
"""

from __future__ import annotations

from decimal import Context, Decimal, Rounded
from typing import Any

from app.domain.calc import MAX_STRING
from app.domain.decimals import significant_digits

MAX_METADATA = 256
MAX_EXPONENT = 1000
MAX_DIGITS = 50  # significant digits of a number (the calculation language's precision)


class Rejection(Exception):
    """Why one measurement is not stored; ``code`` is stable, ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# An int of at most MAX_DIGITS digits, or a decimal within 1e±MAX_EXPONENT whose
# coefficient has at most MAX_DIGITS digits (so no more significant digits, and none
# below 1e-(MAX_EXPONENT + MAX_DIGITS - 1)), passes every check of number_value.
_PLAIN_INT = 10**MAX_DIGITS
# Counts are mostly small integers: their Decimals made once (a Decimal is immutable, and
# Decimal(n) costs more than the rest of the check).
SMALL_INT_COUNT = 4096
SMALL_INTS: tuple[Decimal, ...] = tuple(Decimal(n) for n in range(SMALL_INT_COUNT))
_AT_MOST_MAX_DIGITS = Context(prec=MAX_DIGITS, Emin=-999_999, Emax=999_999, traps=[Rounded])


def plain_number(value: Any) -> Decimal | None:
    """``value`` as ``number_value`` returns it if it plainly passes; None when it needs
    ``number_value``'s exact checks (which may still accept it, or name its problem)."""
    kind = type(value)
    if kind is int:
        if 0 <= value < SMALL_INT_COUNT:
            small: Decimal = SMALL_INTS[value]
            return small
        return Decimal(value) if -_PLAIN_INT < value < _PLAIN_INT else None
    if kind is Decimal and value.is_finite() and -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        number: Decimal = value
        try:
            _AT_MOST_MAX_DIGITS.plus(number)  # Rounded: the coefficient has more digits
        except Rounded:
            return None
        return number
    return None


def number_value(value: Any, where: str) -> Decimal:
    kind = type(value)
    number: Decimal
    if kind is Decimal:
        number = value
    elif kind is int:
        number = Decimal(value)
    elif kind is float:
        number = Decimal(repr(value))
    else:
        raise Rejection("WRONG_TYPE", f"{where} must be a number")
    if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
        if number.is_zero():  # 0e5000 or 0e-1100: zero is within the bounds, its exponent is not
            return SMALL_INTS[0]
        raise Rejection("WRONG_TYPE", f"{where} must be a finite number within 1e±{MAX_EXPONENT}")
    if significant_digits(number) > MAX_DIGITS or int(number.as_tuple().exponent) < -(MAX_EXPONENT + MAX_DIGITS):
        raise Rejection(
            "WRONG_TYPE",
            f"{where} must have at most {MAX_DIGITS} significant digits, none below 1e-{MAX_EXPONENT + MAX_DIGITS}",
        )
    return number


def string_value(value: Any, where: str, metadata: bool) -> str:
    if type(value) is not str:
        raise Rejection("WRONG_TYPE", f"{where} must be a string")
    if metadata and len(value) > MAX_METADATA:
        raise Rejection("METADATA_TOO_LONG", f"{where} is longer than {MAX_METADATA} characters")
    if len(value) > MAX_STRING:
        raise Rejection("VALUE_TOO_LONG", f"{where} is longer than {MAX_STRING} characters")
    if "\x00" in value:
        raise Rejection("WRONG_TYPE", f"{where} must not contain NUL")
    return value
