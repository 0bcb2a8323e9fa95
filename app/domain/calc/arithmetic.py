"""Fused closures for arithmetic chains: the evaluator's fast path for numbers.

Concepts
- ``OPERATIONS``: the ``CONTEXT`` method of each arithmetic operator.
- ``pair(op, left, right)``: a two-operand chain (``a * b``, ``a + b``...) as one
  closure that computes both operands and applies the method, instead of a closure
  calling a step.
- ``product(first, ops, rest)``: a ``*``-group chain (``* / %``) of three or more
  operands folded in one loop; a ``+``-group chain that long stays with the
  evaluator, which also concatenates strings.

Invariants
- Each closure gives exactly what folding its chain with ``steps.STEPS`` gives, with
  the same operands evaluated: two numbers give the method's result, an
  ArithmeticError (division by zero, overflow) null; ``+`` of anything else is
  ``steps.add_step`` (strings concatenate); any other operator on anything but two
  numbers is null; a chain stops at its first null, and a ``*``-group chain at a
  string, without evaluating the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from .core import CONTEXT
from .steps import Value, add_step

__all__ = ["OPERATIONS", "pair", "product"]

Fn = Callable[[Mapping[str, object]], Value]
Operation = Callable[[Decimal, Decimal], Decimal]

OPERATIONS: dict[str, Operation] = {
    "+": CONTEXT.add,
    "-": CONTEXT.subtract,
    "*": CONTEXT.multiply,
    "/": CONTEXT.divide,
    "%": CONTEXT.remainder,
}


def _not_numbers(left: Value, right: Value) -> Value:
    return None


def pair(op: str, left: Fn, right: Fn) -> Fn:
    operation = OPERATIONS[op]
    otherwise = add_step if op == "+" else _not_numbers

    def fused(values: Mapping[str, object]) -> Value:
        a = left(values)
        b = right(values)
        if type(a) is Decimal and type(b) is Decimal:
            try:
                return operation(a, b)
            except ArithmeticError:
                return None
        return otherwise(a, b)

    return fused


def product(first: Fn, ops: Sequence[str], rest: Sequence[Fn]) -> Fn:
    steps = tuple(zip([OPERATIONS[op] for op in ops], rest))

    def fused(values: Mapping[str, object]) -> Value:
        result = first(values)
        for operation, operand in steps:
            if result is None or type(result) is str:
                return None
            b = operand(values)
            if type(result) is not Decimal or type(b) is not Decimal:
                return None
            try:
                result = operation(result, b)
            except ArithmeticError:
                return None
        return result

    return fused
