"""Pratt parser: tokens to a syntax tree (``nodes``), syntax only.

Precedence, lowest to highest (binding power in brackets):
  ``c ? a : b`` [1, right-assoc] < ``OR`` [2] < ``AND`` [3] < ``NOT`` [4,
  prefix] < ``== != < > <= >=`` [5, non-associative] < ``+ -`` [6] <
  ``* / %`` [7] < unary ``+ -`` [8, prefix] < ``^`` [9, right-assoc] <
  calls, parentheses, atoms.
So ``-2 ^ 2`` is ``-(2 ^ 2)``, ``2 ^ -1`` is allowed, ``NOT a == b`` is
``NOT (a == b)``, and ``a < b < c`` is a syntax error (write
``a < b AND b < c``): comparisons do not chain.

Invariants
- Nesting is bounded: every sub-expression the parser recurses into (a
  parenthesised group, a call argument, the operand of a unary operator, the
  right operand of a binary operator, a branch of ``?:``) is one level deeper
  than its parent, and more than ``MAX_DEPTH`` levels is a CalcError. One
  level costs two Python frames, so the parser (and the checker and
  evaluator, which follow the tree) stay far below the recursion limit.
  Sixty-four nested parentheses around an atom are accepted, 65 are not.
- Left-associative operators of one precedence are parsed in a loop and
  collected into one flat ``Chain``, so long sums add no depth.
- Names and functions are not resolved here; that is the checker's job.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from .core import MAX_DEPTH, CalcError
from .nodes import Call, Chain, Compare, Literal, Name, Node, Power, Ternary, Unary
from .tokens import EOF, LITERAL, NAME, NUMBER, OP, STRING, Token, tokenize

__all__ = ["parse"]

_NOT_OPERAND = 4
_UNARY_OPERAND = 8
_COMPARISONS = frozenset(("==", "!=", "<", ">", "<=", ">="))
_INFIX_POWER = {
    "?": 1,
    "OR": 2,
    "AND": 3,
    **{op: 5 for op in _COMPARISONS},
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
    "^": 9,
}
_CHAIN_GROUP = {"+": "+", "-": "+", "*": "*", "/": "*", "%": "*", "AND": "AND", "OR": "OR"}


def parse(text: str) -> Node:
    """Parse ``text`` into a syntax tree; raises CalcError on bad syntax."""
    tokens = tokenize(text)
    if tokens[0].kind == EOF:
        raise CalcError("empty expression", 0)
    parser = _Parser(text, tokens)
    tree = parser.expression(0, 0)
    if parser.peek().kind != EOF:
        raise parser.unexpected(parser.peek())
    return tree


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:  # EOF stays current so errors can point at it
            self.index += 1
        return token

    def at_op(self, op: str) -> bool:
        token = self.tokens[self.index]
        return token.kind == OP and token.value == op

    def expect(self, op: str, message: str) -> None:
        if not self.at_op(op):
            raise CalcError(message, self.peek().pos)
        self.advance()

    def unexpected(self, token: Token) -> CalcError:
        if token.kind == EOF:
            return CalcError("unexpected end of expression", token.pos)
        shown = self.text[token.pos : token.end]
        if len(shown) > 20:
            shown = shown[:17] + "..."
        return CalcError(f"unexpected '{shown}'", token.pos)

    def expression(self, min_power: int, depth: int) -> Node:
        """Parse operators binding tighter than ``min_power``."""
        if depth > MAX_DEPTH:
            raise CalcError(f"expression nested more than {MAX_DEPTH} levels deep", self.peek().pos)
        left = self.prefix(self.advance(), depth)
        while True:
            token = self.peek()
            power = _INFIX_POWER.get(cast(str, token.value)) if token.kind == OP else None
            if power is None or power <= min_power:
                return left
            self.advance()
            left = self.infix(cast(str, token.value), power, left, depth)

    def prefix(self, token: Token, depth: int) -> Node:
        if token.kind in (NUMBER, STRING, LITERAL):
            return Literal(cast(Decimal | str | bool | None, token.value), token.pos)
        if token.kind == NAME:
            if self.at_op("("):
                return self.call(token, depth)
            return Name(cast(str, token.value), token.pos)
        if token.kind == OP:
            if token.value == "(":
                inner = self.expression(0, depth + 1)
                self.expect(")", "expected ')'")
                return inner
            if token.value in ("-", "+"):
                return Unary(token.value, self.expression(_UNARY_OPERAND, depth + 1), token.pos)
            if token.value == "NOT":
                return Unary("NOT", self.expression(_NOT_OPERAND, depth + 1), token.pos)
        raise self.unexpected(token)

    def infix(self, op: str, power: int, left: Node, depth: int) -> Node:
        if op == "?":
            then = self.expression(0, depth + 1)
            self.expect(":", "expected ':' of the conditional")
            # min power 0 makes a following ``?:`` part of this else branch
            return Ternary(left, then, self.expression(0, depth + 1))
        if op == "^":
            return Power(left, self.expression(power - 1, depth + 1))
        right = self.expression(power, depth + 1)
        if op in _COMPARISONS:
            following = self.peek()
            if following.kind == OP and following.value in _COMPARISONS:
                raise CalcError("comparisons cannot be chained (combine them with AND)", following.pos)
            return Compare(op, left, right)
        group = _CHAIN_GROUP[op]
        # Folding into the left chain is safe even when it was parenthesised:
        # ``(a - b) + c`` and ``a - b + c`` are the same left fold.
        if isinstance(left, Chain) and left.group == group:
            left.extend(op, right)
            return left
        return Chain(group, left, op, right)

    def call(self, name: Token, depth: int) -> Call:
        self.advance()  # the "("
        args: list[Node] = []
        if self.at_op(")"):
            self.advance()
            return Call(cast(str, name.value), args, name.pos)
        while True:
            args.append(self.expression(0, depth + 1))
            token = self.advance()
            if token.kind == OP and token.value == ")":
                return Call(cast(str, name.value), args, name.pos)
            if not (token.kind == OP and token.value == ","):
                raise CalcError("expected ',' or ')'", token.pos)
