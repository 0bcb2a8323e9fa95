"""Bounds on every input of every operation: string lengths and list lengths, in one place.

Each field's own rules (a code's pattern, a name's 200 characters, a meter's 15 data
fields, a batch's 1000 measurements) stay with the domain checks. This is the floor under
all of them, for every argument and input field, the JSON scalar's contents included,
whether the resolver checks anything or not: no string longer than `MAX_STRING`
characters and no list (or JSON object) of more than `MAX_ITEMS` entries reaches a
resolver. An operation breaking one is refused before anything runs, with
`extensions.code = BAD_USER_INPUT` and the path of the offending value
(`$input.planTemplates[0].name`, or `createProduct(input:).meters[3].code` for a value
written in the document).

An extension, not a validation rule, because it must see the variables, and the
validation cache keys on the document alone. The walk is iterative: nesting depth costs
no recursion.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)
from strawberry.extensions import SchemaExtension

__all__ = ["MAX_STRING", "MAX_ITEMS", "InputBounds", "InputTooLarge", "input_problem"]

MAX_STRING = 10_000  # characters: a calculation is at most 5,000
MAX_ITEMS = 5_000  # entries of a list or JSON object (a bill job may name thousands of accounts)
CODE = "BAD_USER_INPUT"


class InputTooLarge(GraphQLError):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}", extensions={"code": CODE, "field": path})


class InputBounds(SchemaExtension):
    """Refuses, before execution, an operation with an input beyond the bounds."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        found = input_problem(context.variables or {}, context.graphql_document)
        if found is not None:
            raise InputTooLarge(*found)
        yield


def input_problem(variables: Mapping[str, Any], document: Any) -> tuple[str, str] | None:
    """(path, problem) of the first value beyond the bounds, or None."""
    for name, value in variables.items():
        if found := _value_problem(value, f"${name}"):
            return found
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, ExecutableDefinitionNode):  # operations and fragments
            if found := _literal_problem(definition):
                return found
    return None


def _value_problem(value: Any, root: str) -> tuple[str, str] | None:
    # Paths are linked (parent, key) pairs, spelled out only for the value refused: a
    # batch of 1,000 measurements is walked without building a string per value.
    pending: list[tuple[Any, Any]] = [(value, None)]
    while pending:
        item, link = pending.pop()
        kind = type(item)
        if kind is str:
            if len(item) > MAX_STRING:
                return _spelled(root, link), f"longer than {MAX_STRING} characters"
        elif kind is list or kind is tuple:
            if len(item) > MAX_ITEMS:
                return _spelled(root, link), f"more than {MAX_ITEMS} items"
            pending.extend((entry, (link, index)) for index, entry in enumerate(item) if type(entry) is not int)
        elif isinstance(item, Mapping):
            if len(item) > MAX_ITEMS:
                return _spelled(root, link), f"more than {MAX_ITEMS} entries"
            for key, entry in item.items():
                if isinstance(key, str) and len(key) > MAX_STRING:
                    return _spelled(root, link), f"a key longer than {MAX_STRING} characters"
                if type(entry) is str and len(entry) <= MAX_STRING:
                    continue  # the common case, decided here
                pending.append((entry, (link, key)))
    return None


def _spelled(root: str, link: Any) -> str:
    steps: list[str] = []
    while link is not None:
        link, key = link
        steps.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return root + "".join(reversed(steps))


def _literal_problem(definition: ExecutableDefinitionNode) -> tuple[str, str] | None:
    """The values written in the document: every argument of every field, at any depth."""
    pending: list[tuple[Node, str]] = [(definition, "")]
    while pending:
        node, where = pending.pop()
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                pending.append((argument.value, f"{node.name.value}({argument.name.value}:)"))
        if isinstance(node, StringValueNode):
            if len(node.value) > MAX_STRING:
                return where, f"longer than {MAX_STRING} characters"
        elif isinstance(node, ListValueNode):
            if len(node.values) > MAX_ITEMS:
                return where, f"more than {MAX_ITEMS} items"
            pending.extend((entry, f"{where}[{index}]") for index, entry in enumerate(node.values))
        elif isinstance(node, ObjectValueNode):
            if len(node.fields) > MAX_ITEMS:
                return where, f"more than {MAX_ITEMS} entries"
            pending.extend((f.value, f"{where}.{f.name.value}") for f in node.fields)
        elif not isinstance(node, ValueNode):
            selection_set = getattr(node, "selection_set", None)
            for selection in getattr(selection_set, "selections", None) or ():
                pending.append((selection, where))
    return None
