"""Evaluator: compiles a checked syntax tree into a tree of closures.

Concepts
- ``Fn``: a closure ``values -> result``; compiling resolves every dispatch
  decision once, so evaluating is a handful of plain calls.
- Runtime values are ``Decimal``, ``str``, ``bool`` or ``None`` (null). A
  name's closure reads ``values.get(name)`` (missing is null) and normalises
  it with ``steps.coerce``; binary operators delegate to ``steps``, arithmetic
  chains to the fused closures of ``arithmetic`` (same results, fewer calls).
- Constant folding: a node whose children are all constant is evaluated
  once at compile time.

Invariants
- Evaluation never raises for data problems: null in gives null out for
  arithmetic and ordering; division or modulo by zero, overflow, an
  oversized power and every decimal signal give null; a runtime type
  mismatch (a value whose type contradicts its declared type) also gives
  null, for every operator and function.
- ``==``/``!=`` against the literal ``null`` test for null (true/false);
  any other comparison with a null operand is null. ``AND``/``OR`` are
  three-valued (Kleene) and short-circuit; a non-boolean operand counts as
  null there. ``?:`` takes the else branch on false or null.
- ``%`` is ``decimal`` remainder: the sign follows the dividend (-7 % 3 is
  -1), as in JavaScript.
- Closure nesting follows the tree, whose depth the parser bounds; chains are
  evaluated in a loop. Once a ``+`` chain holds a string, the rest is gathered
  and joined once (``steps.concatenate``), so a long chain of strings costs time
  linear in its result, which ``MAX_STRING`` bounds: the one case in which
  evaluation raises (``CalcLimitError``).
- ``operations(tree)``: the nodes an evaluation visits at most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType

from . import arithmetic, written
from .core import CONTEXT, MAX_STRING, CalcLimitError
from .functions import ISNULL, NUMERIC, lookup, power
from .nodes import Call, Chain, Compare, Literal, Name, Node, Power, Ternary, Unary
from .steps import ORDERINGS, STEPS, Step, Value, add_step, coerce, concatenate, equality_step, ordering_step

__all__ = ["Fn", "compile_tree", "operations"]

Fn = Callable[[Mapping[str, object]], Value]

_EMPTY: Mapping[str, object] = MappingProxyType({})


def compile_tree(tree: Node) -> Fn:
    """Closure evaluating ``tree``, which the checker has accepted: arithmetic written out
    as source where ``written.arithmetic`` can, over the closure tree."""
    general = _compile(tree)[0]
    return written.arithmetic(tree, general, _folded) or general


def _folded(node: Node) -> Value:
    """The constant a subtree without names compiles to."""
    return _compile(node)[0](_EMPTY)


def operations(tree: Node) -> int:
    """Nodes of ``tree``: an upper bound of the steps one evaluation takes."""
    count, pending = 0, [tree]
    while pending:
        node = pending.pop()
        count += 1
        pending.extend(node.children())
    return count


def _compile(node: Node) -> tuple[Fn, bool]:
    """The closure for ``node`` and whether it is a constant."""
    compiled = [_compile(child) for child in node.children()]
    fn = _BUILDERS[type(node)](node, [child_fn for child_fn, _ in compiled])
    if type(node) is not Name and all(constant for _, constant in compiled):
        try:
            return _constant(fn(_EMPTY)), True
        except CalcLimitError as error:  # literals alone already too long: blame this node
            raise CalcLimitError(error.message, node.pos) from None
    return fn, False


def _constant(value: Value) -> Fn:
    def constant(values: Mapping[str, object]) -> Value:
        return value

    return constant


def _name(node: Name, _: list[Fn]) -> Fn:
    key = node.name

    def load(values: Mapping[str, object]) -> Value:
        value = values.get(key)
        if type(value) is Decimal:
            return value if value.is_finite() else None
        return coerce(value)

    return load


def _literal(node: Literal, _: list[Fn]) -> Fn:
    return _constant(node.value)


def _unary(node: Unary, operands: list[Fn]) -> Fn:
    (operand,) = operands
    if node.op == "NOT":
        return _not(operand)
    if node.op == "+":
        return lambda values: x if type(x := operand(values)) is Decimal else None
    return _negation(operand)


def _not(operand: Fn) -> Fn:
    def logical_not(values: Mapping[str, object]) -> Value:
        value = operand(values)
        if value is True:
            return False
        return True if value is False else None

    return logical_not


def _negation(operand: Fn) -> Fn:
    def negate(values: Mapping[str, object]) -> Value:
        value = operand(values)
        if type(value) is not Decimal:
            return None
        try:
            return CONTEXT.minus(value)  # minus, not copy_negate: no "-0"
        except ArithmeticError:
            return None

    return negate


def _binary(step: Step, left: Fn, right: Fn) -> Fn:
    def binary(values: Mapping[str, object]) -> Value:
        return step(left(values), right(values))

    return binary


def _leaf(node: Node) -> arithmetic.Leaf:
    """What an arithmetic closure may read inline of an operand (see ``arithmetic``)."""
    if type(node) is Name:
        return arithmetic.NameLeaf(node.name)
    if type(node) is Literal and type(node.value) is Decimal:
        return node.value
    return None


def _chain(node: Chain, operands: list[Fn]) -> Fn:
    if node.group in ("AND", "OR"):
        return _logic(node.group == "AND", operands)
    leaves = [_leaf(operand) for operand in node.operands]
    if len(operands) == 2:
        return arithmetic.pair(node.ops[0], operands[0], operands[1], (leaves[0], leaves[1]))
    if node.group == "*":
        return arithmetic.product(operands[0], node.ops, operands[1:], leaves)
    steps = [STEPS[op] for op in node.ops]
    first, rest = operands[0], tuple(zip(steps, operands[1:]))

    def chain(values: Mapping[str, object]) -> Value:
        result = first(values)
        for index, (step, operand) in enumerate(rest):
            if result is None:  # null stays null: skip the rest
                return None
            if type(result) is str:
                return _concatenation(result, rest, index, values)
            result = step(result, operand(values))
        return result

    return chain


def _concatenation(head: str, rest: tuple[tuple[Step, Fn], ...], start: int, values: Mapping[str, object]) -> Value:
    """The rest of a chain whose value so far is the string ``head``: every further
    operand must be a ``+`` of a string (anything else is null, as ``_add_step`` says)."""
    parts, size = [head], len(head)
    for step, operand in rest[start:]:
        if step is not add_step:
            return None
        value = operand(values)
        if type(value) is not str:
            return None
        parts.append(value)
        size += len(value)
        if size > MAX_STRING:
            break  # stop reading operands: refused below
    return concatenate(parts, size)


def _logic(is_and: bool, operands: list[Fn]) -> Fn:
    decisive = not is_and  # AND stops at the first false, OR at the first true
    neutral = is_and

    def logic(values: Mapping[str, object]) -> Value:
        result: Value = neutral
        for operand in operands:
            value = operand(values)
            if value is decisive:
                return decisive
            if value is not neutral:  # null, or a non-boolean: unknown
                result = None
        return result

    return logic


def _power(node: Power, operands: list[Fn]) -> Fn:
    return _binary(power, operands[0], operands[1])


def _compare(node: Compare, operands: list[Fn]) -> Fn:
    left, right = operands
    if node.op not in ("==", "!="):
        return _binary(ordering_step(ORDERINGS[node.op]), left, right)
    equal = node.op == "=="
    left_null, right_null = (_is_null_literal(side) for side in (node.left, node.right))
    if left_null or right_null:
        tested = left if right_null else right
        return lambda values: (tested(values) is None) is equal
    return _binary(equality_step(equal), left, right)


def _is_null_literal(node: Node) -> bool:
    return type(node) is Literal and node.value is None


def _ternary(node: Ternary, operands: list[Fn]) -> Fn:
    cond, then, other = operands

    def conditional(values: Mapping[str, object]) -> Value:
        decision = cond(values)
        if decision is True:
            return then(values)
        if decision is False or decision is None:
            return other(values)
        return None

    return conditional


def _call(node: Call, operands: list[Fn]) -> Fn:
    spec = lookup(node.name)
    assert spec is not None, "the checker resolves every function"
    if spec.kind == NUMERIC:
        return _numeric_call(spec.impl, operands)  # type: ignore[arg-type]
    if spec.kind == ISNULL:
        first, fallback = operands
        return lambda values: x if (x := first(values)) is not None else fallback(values)
    return _membership(operands[0], tuple(operands[1:]))


def _numeric_call(impl: Callable[..., Decimal | None], operands: list[Fn]) -> Fn:
    def numeric(values: Mapping[str, object]) -> Value:
        args = [operand(values) for operand in operands]
        for arg in args:
            if type(arg) is not Decimal:
                return None
        try:
            return impl(*args)
        except ArithmeticError:
            return None

    return numeric


def _membership(needle: Fn, haystack: tuple[Fn, ...]) -> Fn:
    def member(values: Mapping[str, object]) -> Value:
        value = needle(values)
        if value is None:
            return None
        kind = type(value)
        for candidate in haystack:
            other = candidate(values)
            if type(other) is kind and other == value:
                return True
        return False

    return member


_BUILDERS: dict[type, Callable[..., Fn]] = {
    Literal: _literal,
    Name: _name,
    Unary: _unary,
    Chain: _chain,
    Power: _power,
    Compare: _compare,
    Ternary: _ternary,
    Call: _call,
}
