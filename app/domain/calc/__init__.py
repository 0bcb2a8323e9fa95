"""The calculation language (SEMANTICS §3.5): a small, safe expression language.

Used for derived fields of meters (an expression over the meter's data field
codes and ``ts``, evaluated once per measurement at ingest) and for compound
aggregations (an expression over ``aggregation.<code>`` references).

Concepts
- ``compile_expression(text, names)``: parse, check and compile once;
  ``names`` maps every allowed name to its ``ValueType``.
- ``Expression``: the compiled result; ``evaluate(values)`` many times.
- ``CalcError``: every problem found at compile time, with a position.

Invariants
- User text is only ever tokenized and parsed by this package: never
  ``eval``, ``exec``, ``compile`` or ``ast``. Standard library only.
- Compile time is bounded (``MAX_LENGTH`` characters, ``MAX_DEPTH`` nesting,
  bounded literals); evaluation is bounded (no loops in the language, capped
  power exponents, strings it builds capped at ``MAX_STRING`` characters,
  ``Expression.operations`` nodes at most) and never raises for data
  problems: it returns null. A string growing past ``MAX_STRING`` raises
  ``CalcLimitError`` (a CalcError): a caller refuses the input, e.g. one
  measurement, never the whole batch.
- Numbers are ``Decimal`` in ``CONTEXT`` (50 significant digits), so
  ``0.1 + 0.2 == 0.3`` holds and billing-size sums and products are exact.
- A numeric result is never negative zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .checker import check
from .core import MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, MAX_STRING, PRECISION, CalcError, CalcLimitError, ValueType
from .evaluator import Fn, compile_tree, operations
from .parser import parse

__all__ = [
    "CalcError",
    "CalcLimitError",
    "ValueType",
    "Expression",
    "compile_expression",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "PRECISION",
    "MAX_STRING",
]


class Expression:
    """A parsed, checked and compiled expression; safe to share between threads."""

    __slots__ = ("text", "result_type", "names_used", "operations", "_fn")

    def __init__(
        self, text: str, result_type: ValueType, names_used: frozenset[str], fn: Fn, operations: int = 0
    ) -> None:
        self.text = text
        self.result_type = result_type
        self.names_used = names_used
        self.operations = operations  # nodes one evaluation visits at most
        self._fn = fn

    def evaluate(self, values: Mapping[str, Decimal | str | bool | None]) -> Decimal | str | bool | None:
        """Value of the expression for ``values`` (a missing name is null); never raises for
        data, only ``CalcLimitError`` for a string built past ``MAX_STRING``."""
        result = self._fn(values)
        if type(result) is Decimal and not result:  # zero: drop a sign
            return result.copy_abs()
        return result

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, result_type={self.result_type.name})"


def compile_expression(text: str, names: Mapping[str, ValueType]) -> Expression:
    """Parse and statically check ``text``; ``names`` maps each allowed name
    (e.g. 'measure1', 'ts', 'aggregation.cpu') to its type. Raises CalcError."""
    if len(text) > MAX_LENGTH:
        raise CalcError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH)
    tree = parse(text)
    result_type, names_used = check(tree, names)
    return Expression(text, result_type, names_used, compile_tree(tree), operations(tree))
