"""Arithmetic calculations written out as Python source: the evaluator's fastest path.

Concepts
- ``arithmetic(tree, general, constant)``: for a tree made only of names, number
  literals and ``+ - * / %`` chains, ``MAX_OPERATIONS`` operations at most (the shape of
  most derived fields, which ingest evaluates once per measurement), one function compiled
  from source. It reads each name once; when every one is a finite ``Decimal`` it computes
  the whole expression as one nest of ``CONTEXT`` method calls, and an ``ArithmeticError``
  anywhere (division by zero, overflow) gives null. Any other value of a name goes to
  ``general``, the evaluator's closure tree. None for any other tree, or one too large to
  write out.

Invariants
- The same result as ``general`` for every input. With finite numbers for all names,
  ``general`` folds the same operations on the same operands in the same order, and null
  from a failed operation stays null up the tree (``arithmetic``'s closures, ``steps``).
  Constant subtrees are folded as ``general`` folds them (``constant``).
- The source holds only identifiers this module makes up: names (field codes) and
  literals are values bound to them, never text in the source.

Why source: the closure tree of ``requests * 0.0004 + bytes / 1000000000 * 0.09`` makes
three calls, two name reads with their checks, and a type check per operation; written
out it is two reads and one expression (``bench/ingest_compute.py``, ``derived``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .arithmetic import OPERATIONS
from .compiled_source import function_from_source
from .nodes import Chain, Name, Node
from .steps import Value

__all__ = ["arithmetic"]

Fn = Callable[[Mapping[str, object]], Value]
# Operations written into one nest of calls: Python's compiler recurses per level.
MAX_OPERATIONS = 64
_OPERATION_NAMES = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY", "/": "DIVIDE", "%": "REMAINDER"}


class _NotArithmetic(Exception):
    pass


def arithmetic(tree: Node, general: Fn, constant: Callable[[Node], Value]) -> Fn | None:
    """The written-out function for ``tree`` (see the module), or None. ``constant(node)``:
    the value ``general`` folds a subtree without names to."""
    if type(tree) is not Chain:
        return None  # a lone name or literal: nothing to gain
    writer = _Writer(constant)
    try:
        expression = writer.expression(tree)
    except _NotArithmetic:
        return None
    if not writer.names:
        return None
    reads = [f"    {variable} = values.get({key})" for key, variable in writer.names.values()]
    finite = " and ".join(
        f"type({variable}) is Decimal and {variable}.is_finite()" for _, variable in writer.names.values()
    )
    source = "\n".join(
        [
            "def written(values):",
            *reads,
            f"    if {finite}:",
            "        try:",
            f"            return {expression}",
            "        except ArithmeticError:",
            "            return None",
            "    return general(values)",
        ]
    )
    bound: dict[str, Any] = {"Decimal": Decimal, "general": general, **writer.bound}
    bound.update({_OPERATION_NAMES[op]: method for op, method in OPERATIONS.items()})
    function: Fn = function_from_source(source, "written", bound)
    return function


class _Writer:
    def __init__(self, constant: Callable[[Node], Value]) -> None:
        self.constant = constant
        self.names: dict[str, tuple[str, str]] = {}  # name -> (its key's identifier, its variable)
        self.bound: dict[str, object] = {}
        self.operations = 0

    def expression(self, node: Node) -> str:
        if not _has_name(node):
            value = self.constant(node)
            if type(value) is not Decimal:
                raise _NotArithmetic  # e.g. a string, or null from 1/0: left to the closures
            return self._bind("LITERAL", value)
        if type(node) is Name:
            if node.name not in self.names:
                index = len(self.names)
                self.names[node.name] = (self._bind("KEY", node.name), f"v{index}")
            return self.names[node.name][1]
        if type(node) is Chain and node.group in ("+", "*"):
            written = self.expression(node.operands[0])
            for op, operand in zip(node.ops, node.operands[1:], strict=True):
                self.operations += 1
                if self.operations > MAX_OPERATIONS:
                    raise _NotArithmetic  # stop before writing a long chain out at all
                written = f"{_OPERATION_NAMES[op]}({written}, {self.expression(operand)})"
            return written
        raise _NotArithmetic

    def _bind(self, kind: str, value: object) -> str:
        identifier = f"{kind}_{len(self.bound)}"
        self.bound[identifier] = value
        return identifier


def _has_name(node: Node) -> bool:
    pending = [node]
    while pending:
        current = pending.pop()
        if type(current) is Name:
            return True
        pending.extend(current.children())
    return False
