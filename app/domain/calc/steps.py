"""Steps: the binary operations on runtime values, and value normalisation.

Concepts
- A ``Step`` is ``(left, right) -> result`` over runtime values
  (``Decimal``, ``str``, ``bool`` or ``None`` for null); the evaluator's
  closures compute the operands and hand them to a step.
- ``coerce`` turns whatever the caller put in ``values`` into a runtime
  value: ``int`` and ``float`` become Decimal (a float through its shortest
  repr, so 0.1 is 0.1), a non-finite Decimal (NaN, Infinity) becomes null,
  any type other than Decimal/str/bool/None becomes null.

Invariants
- A step never raises for data: a null operand, operands of the wrong type, and
  every decimal signal (division or modulo by zero, overflow) give null. The one
  exception is a work bound: concatenating past ``MAX_STRING`` characters raises
  ``CalcLimitError`` (``concatenate`` builds a whole chain in linear time).
- Arithmetic uses ``CONTEXT`` methods only, never the thread's context.
- Booleans are never numbers here (``type(x) is Decimal`` checks, not
  ``isinstance`` on int), and values of different types are never equal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .core import CONTEXT, MAX_STRING, CalcLimitError

__all__ = ["Value", "Step", "coerce", "STEPS", "ORDERINGS", "equality_step", "ordering_step", "concatenate", "add_step"]

Value = Decimal | str | bool | None
Step = Callable[[Value, Value], Value]


def coerce(value: object) -> Value:
    """Runtime value for anything that is not already a plain Decimal."""
    if value is None or type(value) is bool or type(value) is str:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = Decimal(repr(value)) if value == value else None
    if isinstance(value, Decimal):
        number = Decimal(value)  # a subclass becomes a plain Decimal
        return number if number.is_finite() else None
    return None


def _arithmetic_step(operation: Callable[[Decimal, Decimal], Decimal]) -> Step:
    def step(left: Value, right: Value) -> Value:
        if type(left) is Decimal and type(right) is Decimal:
            try:
                return operation(left, right)
            except ArithmeticError:  # x / 0, x % 0, overflow
                return None
        return None

    return step


def _add_step(left: Value, right: Value) -> Value:
    if type(left) is Decimal and type(right) is Decimal:
        try:
            return CONTEXT.add(left, right)
        except ArithmeticError:
            return None
    if type(left) is str and type(right) is str:
        _check_size(len(left) + len(right))
        return left + right
    return None


add_step = _add_step


def concatenate(parts: list[str], size: int) -> str:
    """``"".join(parts)`` once ``size`` (their total length) is known to be allowed."""
    _check_size(size)
    return "".join(parts)


def _check_size(size: int) -> None:
    if size > MAX_STRING:
        raise CalcLimitError(f"string result longer than {MAX_STRING} characters", 0)


STEPS: dict[str, Step] = {
    "+": _add_step,
    "-": _arithmetic_step(CONTEXT.subtract),
    "*": _arithmetic_step(CONTEXT.multiply),
    "/": _arithmetic_step(CONTEXT.divide),
    "%": _arithmetic_step(CONTEXT.remainder),
}


ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def equality_step(equal: bool) -> Step:
    def step(left: Value, right: Value) -> Value:
        if left is None or right is None or type(left) is not type(right):
            return None
        return (left == right) is equal

    return step


def ordering_step(compare: Callable[[object, object], bool]) -> Step:
    def step(left: Value, right: Value) -> Value:
        kind = type(left)
        if kind is type(right) and (kind is Decimal or kind is str):
            return compare(left, right)
        return None

    return step
