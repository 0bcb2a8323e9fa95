"""Fused closures for arithmetic chains: the evaluator's fast path for numbers.

Concepts
- ``OPERATIONS``: the ``CONTEXT`` method of each arithmetic operator.
- ``pair(op, left, right)``: a two-operand chain (``a * b``, ``a + b``...) as one
  closure that computes both operands and applies the method, instead of a closure
  calling a step.
- ``product(first, ops, rest)``: a ``*``-group chain (``* / %``) of three or more
  operands folded in one loop; a ``+``-group chain that long stays with the
  evaluator, which also concatenates strings.
- ``Leaf``: what the evaluator knows of an operand at compile time, a name it reads
  (``NameLeaf``) or a number literal (``Decimal``). Given the leaves, ``pair`` and
  ``product`` read names and literals inline instead of calling their closures
  (``requests * 0.0004``: one call instead of three), the shape of most derived
  fields, which ingest evaluates once per measurement.

Invariants
- Each closure gives exactly what folding its chain with ``steps.STEPS`` gives, with
  the same operands evaluated: two numbers give the method's result, an
  ArithmeticError (division by zero, overflow) null; ``+`` of anything else is
  ``steps.add_step`` (strings concatenate); any other operator on anything but two
  numbers is null; a chain stops at its first null, and a ``*``-group chain at a
  string, without evaluating the rest.
- The inline reading of leaves covers only finite ``Decimal`` values, which a name's
  closure returns unchanged; any other value of a name goes to the general closure,
  which reads it again (reading a name has no effect) and normalises it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import cast

from .core import CONTEXT
from .steps import Value, add_step

__all__ = ["OPERATIONS", "Leaf", "NameLeaf", "pair", "product"]

Fn = Callable[[Mapping[str, object]], Value]
Operation = Callable[[Decimal, Decimal], Decimal]


class NameLeaf(str):
    """An operand that reads this name from the values (a ``str`` subclass, so that a
    leaf is never taken for a string literal)."""

    __slots__ = ()


Leaf = NameLeaf | Decimal | None  # None: any other operand (only its closure is known)

OPERATIONS: dict[str, Operation] = {
    "+": CONTEXT.add,
    "-": CONTEXT.subtract,
    "*": CONTEXT.multiply,
    "/": CONTEXT.divide,
    "%": CONTEXT.remainder,
}


def _not_numbers(left: Value, right: Value) -> Value:
    return None


def pair(op: str, left: Fn, right: Fn, leaves: tuple[Leaf, Leaf] = (None, None)) -> Fn:
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

    first, second = leaves
    if type(first) is NameLeaf and type(second) is Decimal:
        return _name_then_number(operation, first, second, fused)
    if type(first) is Decimal and type(second) is NameLeaf:
        return _number_then_name(operation, first, second, fused)
    if type(first) is NameLeaf and type(second) is NameLeaf:
        return _two_names(operation, first, second, fused)
    return fused


def _name_then_number(operation: Operation, name: str, number: Decimal, general: Fn) -> Fn:
    def fused_name_number(values: Mapping[str, object]) -> Value:
        a = values.get(name)
        if type(a) is Decimal and a.is_finite():
            try:
                return operation(a, number)
            except ArithmeticError:
                return None
        return general(values)

    return fused_name_number


def _number_then_name(operation: Operation, number: Decimal, name: str, general: Fn) -> Fn:
    def fused_number_name(values: Mapping[str, object]) -> Value:
        b = values.get(name)
        if type(b) is Decimal and b.is_finite():
            try:
                return operation(number, b)
            except ArithmeticError:
                return None
        return general(values)

    return fused_number_name


def _two_names(operation: Operation, left: str, right: str, general: Fn) -> Fn:
    def fused_names(values: Mapping[str, object]) -> Value:
        a = values.get(left)
        b = values.get(right)
        if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
            try:
                return operation(a, b)
            except ArithmeticError:
                return None
        return general(values)

    return fused_names


def product(first: Fn, ops: Sequence[str], rest: Sequence[Fn], leaves: Sequence[Leaf] = ()) -> Fn:
    general = _product(first, ops, rest)
    if leaves and type(leaves[0]) is NameLeaf and all(type(leaf) is Decimal for leaf in leaves[1:]):
        numbers = cast(Sequence[Decimal], leaves[1:])
        return _name_then_numbers(leaves[0], tuple(zip([OPERATIONS[op] for op in ops], numbers)), general)
    return general


def _name_then_numbers(name: str, steps: tuple[tuple[Operation, Decimal], ...], general: Fn) -> Fn:
    """A name, then number literals only (``bytes / 1000000000 * 0.09``)."""

    def fused_name_numbers(values: Mapping[str, object]) -> Value:
        result = values.get(name)
        if type(result) is Decimal and result.is_finite():
            try:
                for operation, number in steps:
                    result = operation(result, number)
            except ArithmeticError:
                return None
            return result
        return general(values)

    return fused_name_numbers


def _product(first: Fn, ops: Sequence[str], rest: Sequence[Fn]) -> Fn:
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
