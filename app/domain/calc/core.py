"""Shared vocabulary of the calculation language: errors, value types, limits.

Concepts
- ``CalcError``: the one exception the language raises, for syntax errors,
  unknown names or functions, wrong argument counts, type errors and
  oversized input. It carries ``message`` and ``position`` (0-based character
  offset into the expression text); ``str()`` reads
  ``"unknown field 'foo' at position 12"``. ``CalcLimitError`` (a kind of
  CalcError) is the one thing evaluation itself may raise: a value grew past a
  work bound.
- ``ValueType``: the static types the checker reasons with. ``NULL`` is the
  type of the ``null`` literal and fits anywhere; ``ANY`` is a name whose type
  is not known statically and also fits anywhere.
- ``CONTEXT``: the decimal context of every arithmetic operation.

Invariants
- All arithmetic goes through ``CONTEXT`` methods, never the caller's
  thread-local decimal context, so a result never depends on how the host
  process configured ``decimal``.
- ``CONTEXT`` has 50 significant digits (comfortably more than decimal128's
  34, so the product of two 25-digit billing quantities is still exact), and
  traps InvalidOperation, DivisionByZero and Overflow: the evaluator turns
  those signals into null, they never escape.
- Work is bounded: text length, parser nesting, literal size and power
  exponents are all capped by the constants below; so is every string an
  evaluation builds (``MAX_STRING``: concatenation refuses to go beyond it, in
  time linear in the result, so ``w + w + ... + w`` over a long ``w`` costs at
  most about ``MAX_STRING`` characters copied per chain), and an expression
  reports its ``operations`` (nodes evaluated at most) so a caller can bound the
  work of several expressions together.
"""

from __future__ import annotations

import enum
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

__all__ = [
    "CalcError",
    "ValueType",
    "CONTEXT",
    "PRECISION",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LITERAL_EXPONENT",
    "MAX_SCALE",
    "MAX_STRING",
    "CalcLimitError",
]

PRECISION = 50
MAX_LENGTH = 5000  # characters of expression text
MAX_DEPTH = 64  # nested sub-expressions the parser recurses into
MAX_EXPONENT = 1000  # |b| in a ^ b and Math.pow(a, b); beyond it the result is null
MAX_LITERAL_EXPONENT = 1000  # |adjusted exponent| of a number literal
MAX_SCALE = 100  # |scale| in Math.round/floor/ceil; beyond it the result is null
MAX_STRING = 4096  # characters of a string an evaluation builds by concatenation

# HALF_EVEN only matters for the 50th digit of an inexact quotient or power;
# Math.round is HALF_UP on its own.
CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class CalcError(Exception):
    """A problem with an expression, located at a character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} at position {self.position}"


class CalcLimitError(CalcError):
    """A work bound was exceeded while evaluating (or constant folding): not a data
    problem that gives null, the expression is refused for these values."""


class ValueType(enum.Enum):
    """Static type of a value or expression."""

    NUMBER = "NUMBER"
    STRING = "STRING"
    BOOLEAN = "BOOLEAN"
    NULL = "NULL"
    ANY = "ANY"
