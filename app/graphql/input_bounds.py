"""Bounds on every input of every operation: string lengths, NUL, list lengths, in one place.

Each field's own rules (a code's pattern, a name's 200 characters, a meter's 15 data
fields, a batch's 1000 measurements) stay with the domain checks. This is the floor under
all of them, for every argument and input field, the JSON scalar's contents included,
whether the resolver checks anything or not:
- no string longer than `MAX_STRING` characters (a calculation is at most 5,000); in a
  query or subscription, whose strings are lookups, filters and cursors, none longer than
  `MAX_LOOKUP` (the longest text column: a longer value can match nothing, and the ORM
  refuses to compare it, which was a server error);
- no NUL character (PostgreSQL text cannot hold one; it was a server error too);
- no number that is not finite (`1e400`, `NaN`, `Infinity`, which Python's JSON reader
  accepts in a JSON scalar and PostgreSQL's json refuses: a custom field holding one was
  a server error);
- no list (or JSON object) of more than `MAX_ITEMS` entries;
- what still does not fit a column (a 100-character currency code looked up) is answered
  as the client's mistake too: the ORM's refusal becomes `BAD_USER_INPUT` naming the
  field and its limit, never an internal error.
An operation breaking one is refused before anything runs, with `extensions.code =
BAD_USER_INPUT` and the path of the offending value (`$input.planTemplates[0].name`, or
`createProduct(input:).meters[3].code` for a value written in the document).

An extension, not a validation rule, because it must see the variables, and the
validation cache keys on the document alone. The walk is iterative: nesting depth costs
no recursion.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FloatValueNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType
from tortoise.exceptions import ValidationError as TortoiseValidationError

from app.graphql.documents import KEPT, parsed
from app.graphql.json_numbers import JsonNumber

__all__ = ["MAX_STRING", "MAX_LOOKUP", "MAX_ITEMS", "InputBounds", "InputTooLarge", "input_problem"]

MAX_STRING = 10_000  # characters: a calculation is at most 5,000
MAX_LOOKUP = 400  # characters of a string in a read: the longest text column (app.models)
MAX_ITEMS = 5_000  # entries of a list or JSON object (a bill job may name thousands of accounts)
CODE = "BAD_USER_INPUT"
NOT_FINITE = "must be a finite number"
_READS = (OperationType.QUERY, OperationType.SUBSCRIPTION)
_COLUMN_LENGTH = re.compile(r"^(?P<field>\w+): Length of .* (?P<length>\d+) > (?P<limit>\d+)$", re.DOTALL)


class InputTooLarge(GraphQLError):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}", extensions={"code": CODE, "field": path})


class InputBounds(SchemaExtension):
    """Refuses, before execution, an operation with an input beyond the bounds."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        try:
            reading = context.operation_type in _READS
        except RuntimeError:  # no such operation: GraphQL itself reports it
            reading = False
        max_string = MAX_LOOKUP if reading else MAX_STRING
        if context.query:  # the document's own values: once per text
            found = _value_problems(context.variables or {}, max_string) or _literal_problem_of(
                context.query, max_string
            )
        else:
            found = input_problem(context.variables or {}, context.graphql_document, max_string=max_string)
        if found is not None:
            raise InputTooLarge(*found)
        yield
        errors = getattr(context.result, "errors", None)
        for index, error in enumerate(errors or ()):
            if (refused := _does_not_fit(error)) is not None:
                errors[index] = refused  # in place: the result and the context share the list


def _does_not_fit(error: GraphQLError) -> GraphQLError | None:
    """The ORM's refusal of a client's value that its column cannot hold (a code longer
    than the code column, looked up or written), as the client's mistake it is; None for
    any other error."""
    cause: BaseException | None = error.original_error
    while cause is not None and not isinstance(cause, TortoiseValidationError):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    fits = _COLUMN_LENGTH.match(str(cause))
    problem = (
        f"{fits['field']}: longer than the {fits['limit']} characters its field holds"
        if fits
        else "a value does not fit its field"
    )
    return GraphQLError(problem, nodes=error.nodes, path=error.path, extensions={"code": CODE})


def input_problem(
    variables: Mapping[str, Any], document: Any, *, max_string: int = MAX_STRING
) -> tuple[str, str] | None:
    """(path, problem) of the first value beyond the bounds, or None."""
    return _value_problems(variables, max_string) or _document_problem(document, max_string)


def _value_problems(variables: Mapping[str, Any], max_string: int) -> tuple[str, str] | None:
    for name, value in variables.items():
        if found := _value_problem(value, f"${name}", max_string):
            return found
    return None


def _document_problem(document: Any, max_string: int) -> tuple[str, str] | None:
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, ExecutableDefinitionNode):  # operations and fragments
            if found := _literal_problem(definition, max_string):
                return found
    return None


@functools.lru_cache(maxsize=KEPT)
def _literal_problem_of(query: str, max_string: int) -> tuple[str, str] | None:
    """The values written in the query text: the text decides them."""
    return _document_problem(parsed(query), max_string)


def _string_problem(text: str, max_string: int) -> str | None:
    if len(text) > max_string:
        return f"longer than {max_string} characters"
    if "\x00" in text:
        return "must not contain NUL"
    return None


def _value_problem(value: Any, root: str, max_string: int) -> tuple[str, str] | None:
    # Paths are linked (parent, key) pairs, spelled out only for the value refused: a
    # batch of 1,000 measurements is walked without building a string per value.
    pending: list[tuple[Any, Any]] = [(value, None)]
    while pending:
        item, link = pending.pop()
        kind = type(item)
        if kind is str:
            if problem := _string_problem(item, max_string):
                return _spelled(root, link), problem
        elif kind is JsonNumber or kind is float:
            if not math.isfinite(item):
                return _spelled(root, link), NOT_FINITE
        elif kind is list or kind is tuple:
            if len(item) > MAX_ITEMS:
                return _spelled(root, link), f"more than {MAX_ITEMS} items"
            pending.extend((entry, (link, index)) for index, entry in enumerate(item) if type(entry) is not int)
        elif isinstance(item, Mapping):
            if len(item) > MAX_ITEMS:
                return _spelled(root, link), f"more than {MAX_ITEMS} entries"
            for key, entry in item.items():
                if isinstance(key, str) and (problem := _string_problem(key, max_string)):
                    return _spelled(root, link), f"a key {problem}"
                if type(entry) is str and len(entry) <= max_string and "\x00" not in entry:
                    continue  # the common case, decided here
                pending.append((entry, (link, key)))
    return None


def _spelled(root: str, link: Any) -> str:
    steps: list[str] = []
    while link is not None:
        link, key = link
        steps.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return root + "".join(reversed(steps))


def _literal_problem(definition: ExecutableDefinitionNode, max_string: int) -> tuple[str, str] | None:
    """The values written in the document: every argument of every field, at any depth."""
    pending: list[tuple[Node, str]] = [(definition, "")]
    while pending:
        node, where = pending.pop()
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                pending.append((argument.value, f"{node.name.value}({argument.name.value}:)"))
        if isinstance(node, StringValueNode):
            if problem := _string_problem(node.value, max_string):
                return where, problem
        elif isinstance(node, FloatValueNode):
            if not math.isfinite(float(node.value)):
                return where, NOT_FINITE
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
