"""Static checker: resolves names and functions and infers value types.

Concepts
- Each allowed name has a declared ``ValueType``; the checker infers the
  type of every node bottom-up and reports the first problem it can prove.
- "Fits": a type fits an expected type when it is that type, ``NULL`` (the
  ``null`` literal fits anywhere) or ``ANY`` (unknown, given the benefit of
  the doubt). ``join`` of two types is their common type: equal types join to
  themselves, ``NULL`` joins to the other, ``ANY`` joins to ``ANY``, and any
  other pair is a type error.

Rules
- ``- * / % ^``, unary ``+ -`` and the ``Math.*`` functions need numbers.
- ``+`` adds two numbers or concatenates two strings.
- ``< > <= >=`` compare two numbers or two strings; ``== !=`` need joinable
  operands; every comparison is BOOLEAN.
- ``AND OR NOT`` and the ``?:`` condition need booleans.
- The branches of ``?:``, the two arguments of ``isnull`` and the values of
  ``IN`` must join (with the value tested by ``IN``). Mixed types are
  reported as errors rather than typed ANY: a billing expression has no use
  for a value that is a number on one row and a string on the next.

Invariants
- Errors blame the operand whose type is wrong (for a mismatch between two
  operands, the right one), the name, or the function name (unknown
  function, wrong argument count), by that node's position.
- Recursion follows the tree, whose depth the parser bounds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .core import CalcError, ValueType
from .functions import IN, ISNULL, NUMERIC, lookup
from .nodes import Call, Chain, Compare, Literal, Name, Node, Power, Ternary, Unary

__all__ = ["check"]

NUMBER, STRING, BOOLEAN, NULL, ANY = (
    ValueType.NUMBER,
    ValueType.STRING,
    ValueType.BOOLEAN,
    ValueType.NULL,
    ValueType.ANY,
)


def check(tree: Node, names: Mapping[str, ValueType]) -> tuple[ValueType, frozenset[str]]:
    """Return the result type of ``tree`` and the names it uses; raises CalcError."""
    checker = _Checker(names)
    return checker.visit(tree), frozenset(checker.used)


def _fits(actual: ValueType, wanted: ValueType) -> bool:
    return actual is wanted or actual is NULL or actual is ANY


def _literal_type(value: object) -> ValueType:
    if value is None:
        return NULL
    if isinstance(value, bool):  # before Decimal: bool is no number here
        return BOOLEAN
    return NUMBER if isinstance(value, Decimal) else STRING


class _Checker:
    def __init__(self, names: Mapping[str, ValueType]) -> None:
        self.names = names
        self.used: set[str] = set()

    def visit(self, node: Node) -> ValueType:
        return _VISITORS[type(node)](self, node)

    def need(self, node: Node, wanted: ValueType, what: str) -> ValueType:
        actual = self.visit(node)
        if not _fits(actual, wanted):
            raise CalcError(f"{what} needs {wanted.name}, got {actual.name}", node.pos)
        return actual

    def join(self, left: ValueType, right: ValueType, blame: Node, what: str) -> ValueType:
        if left is right or right is NULL:
            return left
        if left is NULL:
            return right
        if left is ANY or right is ANY:
            return ANY
        raise CalcError(f"{what} mixes {left.name} and {right.name}", blame.pos)

    def literal(self, node: Literal) -> ValueType:
        return _literal_type(node.value)

    def name(self, node: Name) -> ValueType:
        declared = self.names.get(node.name)
        if declared is None:
            raise CalcError(f"unknown field '{node.name}'", node.pos)
        self.used.add(node.name)
        return ValueType(declared)

    def unary(self, node: Unary) -> ValueType:
        if node.op == "NOT":
            self.need(node.operand, BOOLEAN, "NOT")
            return BOOLEAN
        self.need(node.operand, NUMBER, f"unary '{node.op}'")
        return NUMBER

    def chain(self, node: Chain) -> ValueType:
        if node.group in ("AND", "OR"):
            for operand in node.operands:
                self.need(operand, BOOLEAN, node.group)
            return BOOLEAN
        result = self.visit(node.operands[0])
        for op, operand in zip(node.ops, node.operands[1:]):
            result = self.arithmetic(op, result, node.operands[0], operand)
        return result

    def arithmetic(self, op: str, left: ValueType, left_node: Node, right_node: Node) -> ValueType:
        """Type of ``left op right`` where ``left`` is the chain so far."""
        what = f"operator '{op}'"
        if op != "+":
            if not _fits(left, NUMBER):
                raise CalcError(f"{what} needs NUMBER, got {left.name}", left_node.pos)
            self.need(right_node, NUMBER, what)
            return NUMBER
        right = self.visit(right_node)
        for side, side_node in ((left, left_node), (right, right_node)):
            if side is BOOLEAN:
                raise CalcError(f"{what} needs NUMBER or STRING, got BOOLEAN", side_node.pos)
        return self.join(left, right, right_node, what)

    def power(self, node: Power) -> ValueType:
        self.need(node.base, NUMBER, "operator '^'")
        self.need(node.exponent, NUMBER, "operator '^'")
        return NUMBER

    def compare(self, node: Compare) -> ValueType:
        what = f"operator '{node.op}'"
        left, right = self.visit(node.left), self.visit(node.right)
        if node.op not in ("==", "!="):
            for side, side_node in ((left, node.left), (right, node.right)):
                if side is BOOLEAN:
                    raise CalcError(f"{what} needs NUMBER or STRING, got BOOLEAN", side_node.pos)
        self.join(left, right, node.right, what)
        return BOOLEAN

    def ternary(self, node: Ternary) -> ValueType:
        self.need(node.cond, BOOLEAN, "the condition of '?:'")
        then, other = self.visit(node.then), self.visit(node.other)
        return self.join(then, other, node.other, "'?:'")

    def call(self, node: Call) -> ValueType:
        spec = lookup(node.name)
        if spec is None:
            raise CalcError(f"unknown function '{node.name}'", node.pos)
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise CalcError(f"{spec.name} takes {spec.arity_text()}, got {count}", node.pos)
        if spec.kind == NUMERIC:
            for arg in node.args:
                self.need(arg, NUMBER, spec.name)
            return NUMBER
        first = self.visit(node.args[0])
        if spec.kind == ISNULL:
            return self.join(first, self.visit(node.args[1]), node.args[1], spec.name)
        assert spec.kind == IN
        for value in node.args[1:]:
            self.join(first, self.visit(value), value, spec.name)
        return BOOLEAN


_VISITORS: dict[type[Node], Callable[[_Checker, Any], ValueType]] = {
    Literal: _Checker.literal,
    Name: _Checker.name,
    Unary: _Checker.unary,
    Chain: _Checker.chain,
    Power: _Checker.power,
    Compare: _Checker.compare,
    Ternary: _Checker.ternary,
    Call: _Checker.call,
}
