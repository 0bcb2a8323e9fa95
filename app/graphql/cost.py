"""Query cost analysis: a query whose estimated size is over the limit is refused before
anything runs (issue 11, finding 7: 150 characters at depth 10 asked for a million nodes).

The cost is the estimated number of objects in the response. Every object counts one: a
single object (`product`, `edges.node`, `pageInfo`), each item of a page and each item of
a plain list. The counts multiply down the nesting: 20 products with 10 meters each are
200 meters. A page counts its `first` (default 20, at most 100). A plain list of objects
(`dataFields`, `pricingBands`) is stored inside its parent's row and bounded by the input
limits; it counts LIST_SIZE items. Introspection (`__schema`, `__type`) is not counted:
its size is the schema's.

Two passes keep ordinary queries free of any I/O:
1. from the document and its variables alone, with `first` as each page's size;
2. only when that is over the limit, each page's size becomes what this organization can
   actually return: a root list at most its row count, a nested list (a product's meters)
   at most the largest such list in the organization; a nested list also counts the rows
   read past its page (its loader reads each parent's whole list, then cuts the page). One
   SQL statement (`cost_sizes`) reads those figures for the lists the query names; the
   second estimate is an upper bound of the response while the data stays the same. A
   query still over the limit is refused with `extensions.code = QUERY_TOO_COSTLY`, its
   `cost` and the `limit`. A caller without an organization (no token, a bad one) is not
   estimated: every field that reads refuses it.

An extension rather than a validation rule: a rule sees neither variables (`first: $n`)
nor the organization, and the validation cache keys on the document alone. Its hook runs
after validation, so the document is known to match the schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension

from app.graphql.cost_sizes import read_sizes
from app.graphql.documents import KEPT, parsed
from app.graphql.pagination import DEFAULT_PAGE, MAX_PAGE

MAX_COST = 100_000
LIST_SIZE = 10
CODE = "QUERY_TOO_COSTLY"
Composite = (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)  # types with a selection
Sizes = Mapping[tuple[str, str], int]  # (parent type, field) → the most items that list can hold


class QueryTooCostly(GraphQLError):
    def __init__(self, cost: int, limit: int) -> None:
        super().__init__(
            f"Query cost {cost} exceeds the limit of {limit}: the cost is the estimated number of objects in the "
            "response (pages count their `first`, default 20). Ask for smaller pages or fewer nested lists.",
            extensions={"code": CODE, "cost": cost, "limit": limit},
        )


class QueryCost(SchemaExtension):
    """Refuses, before execution, an operation whose estimated cost is over MAX_COST."""

    async def on_execute(self) -> Any:
        context = self.execution_context
        schema = context.schema._schema
        variables = context.variables or {}
        if not variables and context.query:
            operation, cost, named = _estimate_of_text(schema, context.query, context.operation_name)
        else:
            operation = _operation(context.graphql_document, context.operation_name)
            cost, named = (
                (_first_estimate(schema, context.graphql_document, operation, variables)) if operation else (0, ())
            )
        # Without an organization every field that reads refuses (UNAUTHENTICATED),
        # so there is nothing to estimate: that refusal is the useful answer.
        organization_id = _organization(context.context)
        if operation is not None and cost > MAX_COST and organization_id is not None:
            sizes = await read_sizes(organization_id, set(named))
            cost = estimate(schema, context.graphql_document, operation, variables, sizes)
            if cost > MAX_COST:
                raise QueryTooCostly(cost, MAX_COST)
        yield


def _first_estimate(schema: GraphQLSchema, document: Any, operation: Any, variables: Any) -> tuple[int, frozenset]:
    """The estimate from the document and variables alone, and the lists it pages through."""
    named: set[tuple[str, str]] = set()
    return estimate(schema, document, operation, variables, {}, named.add), frozenset(named)


@functools.lru_cache(maxsize=KEPT)
def _estimate_of_text(schema: GraphQLSchema, query: str, operation_name: str | None) -> tuple[Any, int, frozenset]:
    """(operation, first estimate, lists named) of a query without variables: the text
    decides them, so they are worked out once per text (most requests send none)."""
    document = parsed(query)
    operation = _operation(document, operation_name)
    return (operation, *_first_estimate(schema, document, operation, {})) if operation else (None, 0, frozenset())


def estimate(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    sizes: Sizes,
    named: Callable[[tuple[str, str]], None] | None = None,
) -> int:
    """The estimated number of objects in the response to `operation`; `named` is told
    every (parent type, field) of a list that the query pages through."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, variables, sizes, named or (lambda _: None))
    root = schema.get_root_type(operation.operation)
    return 0 if root is None else walk.selection(root, operation.selection_set, 1, None)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        sizes: Sizes,
        named: Callable[[tuple[str, str]], None],
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.sizes, self.named = sizes, named
        self.root_types = {t.name for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t}

    def selection(
        self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None, count: int, page: int | None
    ) -> int:
        """Objects below `count` objects of type `parent`; `page` is the size of their
        lists when they are a page (a connection: its `nodes` and `edges`)."""
        total = 0
        for field_type, node in self._fields(parent, selection_set):
            field = getattr(field_type, "fields", {}).get(node.name.value)  # a union has none of its own
            if field is None or node.name.value.startswith("__"):
                continue
            target = get_named_type(field.type)
            if not isinstance(target, Composite):
                continue
            items = count * _list_size(field.type, page)
            inner, unshown = self._page(field_type, node, target)
            total += items * (1 + unshown) + self.selection(target, node.selection_set, items, inner)
        return total

    def _page(self, parent: GraphQLObjectType, node: FieldNode, target: GraphQLObjectType) -> tuple[int | None, int]:
        """The size of a connection's page (`first`, at most what the organization holds),
        and the rows read past it: a nested list's loader reads each parent's whole list
        before the page is cut, so a page of 1 over lists of 50 still reads 50."""
        if not _is_connection(target):
            return None, 0
        size = min(max(self._first(node), 0), MAX_PAGE)
        root = parent.name in self.root_types
        key = ("Query" if root else parent.name, node.name.value)
        self.named(key)
        known = self.sizes.get(key)
        if known is None:
            return size, 0
        return min(size, known), 0 if root else max(known - size, 0)

    def _first(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) else DEFAULT_PAGE
        return DEFAULT_PAGE

    def _fields(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
    ) -> Iterator[tuple[GraphQLObjectType, FieldNode]]:
        """The fields selected on `parent`, through fragments (each fragment on the type
        it names: a union's members are costed as if all were present)."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(self._condition(parent, selection), selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self._fields(self._condition(parent, fragment), fragment.selection_set)

    def _condition(self, parent: Any, fragment: Any) -> Any:
        condition = fragment.type_condition
        named = self.schema.get_type(condition.name.value) if condition is not None else None
        return named if isinstance(named, Composite) else parent


def _list_size(field_type: Any, page: int | None) -> int:
    """Items of one value of a field: 1, a page's size inside a connection, else LIST_SIZE."""
    if not isinstance(get_nullable_type(field_type), GraphQLList):
        return 1
    return LIST_SIZE if page is None else page


def _is_connection(target: Any) -> bool:
    return (
        isinstance(target, GraphQLObjectType)
        and target.name.endswith("Connection")
        and "nodes" in target.fields
        and "pageInfo" in target.fields
    )


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _organization(context: Any) -> Any:
    principal = getattr(context, "principal", None)
    return getattr(principal, "organization_id", None)
