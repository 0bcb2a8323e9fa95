"""Syntax tree of the calculation language.

Concepts
- ``Literal``: a number (Decimal), string, boolean or null constant.
- ``Name``: a field, ``ts`` or a dotted ``aggregation.<code>`` reference.
- ``Unary``: ``-``, ``+`` or ``NOT`` applied to one operand.
- ``Chain``: a left-to-right fold of same-precedence operators: group ``+``
  (ops ``+``/``-``), group ``*`` (ops ``*``/``/``/``%``), group ``AND``,
  group ``OR``. ``ops[i]`` sits between ``operands[i]`` and
  ``operands[i + 1]``.
- ``Power``, ``Compare``, ``Ternary``, ``Call``: the remaining forms.

Invariants
- ``pos`` is the offset of the node's first token (for a parenthesised
  group, the first token inside it), used to blame a node in errors.
- Left-associative chains are flat lists, not nested nodes, so
  ``a + b + ... + z`` is one node however long: tree depth, and so the
  recursion of the checker, the compiler and the evaluator, stays bounded by
  the parser's nesting limit.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["Node", "Literal", "Name", "Unary", "Chain", "Power", "Compare", "Ternary", "Call"]


class Node:
    __slots__ = ("pos",)
    pos: int

    def children(self) -> tuple[Node, ...]:
        return ()


class Literal(Node):
    __slots__ = ("value",)

    def __init__(self, value: Decimal | str | bool | None, pos: int) -> None:
        self.value, self.pos = value, pos


class Name(Node):
    __slots__ = ("name",)

    def __init__(self, name: str, pos: int) -> None:
        self.name, self.pos = name, pos


class Unary(Node):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Node, pos: int) -> None:
        self.op, self.operand, self.pos = op, operand, pos

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


class Chain(Node):
    __slots__ = ("group", "operands", "ops")

    def __init__(self, group: str, first: Node, op: str, second: Node) -> None:
        self.group, self.pos = group, first.pos
        self.operands, self.ops = [first, second], [op]

    def extend(self, op: str, operand: Node) -> None:
        self.ops.append(op)
        self.operands.append(operand)

    def children(self) -> tuple[Node, ...]:
        return tuple(self.operands)


class Power(Node):
    __slots__ = ("base", "exponent")

    def __init__(self, base: Node, exponent: Node) -> None:
        self.base, self.exponent, self.pos = base, exponent, base.pos

    def children(self) -> tuple[Node, ...]:
        return (self.base, self.exponent)


class Compare(Node):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Node, right: Node) -> None:
        self.op, self.left, self.right, self.pos = op, left, right, left.pos

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


class Ternary(Node):
    __slots__ = ("cond", "then", "other")

    def __init__(self, cond: Node, then: Node, other: Node) -> None:
        self.cond, self.then, self.other, self.pos = cond, then, other, cond.pos

    def children(self) -> tuple[Node, ...]:
        return (self.cond, self.then, self.other)


class Call(Node):
    __slots__ = ("name", "args")

    def __init__(self, name: str, args: list[Node], pos: int) -> None:
        self.name, self.args, self.pos = name, args, pos

    def children(self) -> tuple[Node, ...]:
        return tuple(self.args)
