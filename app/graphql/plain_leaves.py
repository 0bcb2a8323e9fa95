"""Plain leaf fields answered inline: a scalar or enum field with no resolver, no
arguments and no guard is its object's attribute, coerced for output.

GraphQL execution gives every field the same treatment: a path entry, a resolve-info
object of a dozen members, strawberry's resolver wrappers, then value completion down
the wrapping types. For a leaf read straight off an attribute, that is most of a large
response's CPU time (a catalog read has about 9,000 leaves among 13,000 fields). Here
such a field is read and coerced in the loop over its object's fields; the answer is the
same (`getattr` is strawberry's default resolver, `coerce_output_value` is what value
completion calls).

Anything out of the ordinary (null in a non-null field, a value the scalar refuses, an
attribute that raises or is awaitable, a middleware in the schema) takes the general
path for that field, which reports it as it always has. Which fields are plain is
decided once, when the schema is assembled (`mark_plain_leaves`): a field a read guard
wraps (`app.graphql.reads`) or that has a resolver is never plain.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_nullable_type,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

PLAIN_LEAF = "metergraph-plain-leaf"  # key in a GraphQLField's `extensions`
_GENERAL = object()  # "take the general path": the plain read found something unusual


class PlainLeaf(NamedTuple):
    attribute: str
    type: GraphQLLeafType
    non_null: bool


def mark_plain_leaves(schema: GraphQLSchema) -> None:
    """Mark the fields that are their object's attribute: strawberry's default resolver
    (`_is_default`), no arguments, a scalar or enum type. Run after every wrapper (the
    read guards) is installed."""
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            leaf = get_nullable_type(field.type)
            definition = (field.extensions or {}).get("strawberry-definition")
            if (
                definition is None
                or field.args
                or not getattr(field.resolve, "_is_default", False)
                or not is_leaf_type(leaf)
            ):
                continue
            plain = PlainLeaf(definition.python_name, leaf, isinstance(field.type, GraphQLNonNull))
            field.extensions = {**field.extensions, PLAIN_LEAF: plain}


def _plain_value(plain: PlainLeaf, source: Any) -> Any:
    try:
        value = getattr(source, plain.attribute)
        if value is None:
            return _GENERAL if plain.non_null else None
        if isinstance(value, Exception) or optimized_is_awaitable(value):
            return _GENERAL
        coerced = plain.type.coerce_output_value(value)
    except Exception:  # noqa: BLE001 - the general path raises it again, located
        return _GENERAL
    return _GENERAL if coerced is None or coerced is Undefined else coerced


class PlainLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain leaves answered in `execute_fields`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A middleware (a schema extension with `resolve`) must see every field.
        manager = self.middleware_manager
        self._plain_leaves = manager is None or not manager.middlewares

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self._plain_leaves:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        plain_fields, general = {}, {}
        fields = parent_type.fields
        for response_name, field_details_list in grouped_field_set.items():
            field = fields.get(field_details_list[0].node.name.value)
            plain = field.extensions.get(PLAIN_LEAF) if field is not None else None
            value = _GENERAL if plain is None else _plain_value(plain, source_value)
            if value is _GENERAL:
                general[response_name] = field_details_list
            else:
                plain_fields[response_name] = value
        if not general:
            return plain_fields
        if not plain_fields:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        completed = super().execute_fields(parent_type, source_value, path, general, position_context)
        if self.is_awaitable(completed):
            return self._ordered_later(completed, grouped_field_set, plain_fields)
        return _ordered(grouped_field_set, plain_fields, completed)

    async def _ordered_later(self, general: Any, grouped_field_set: Any, plain_fields: dict[str, Any]) -> Any:
        return _ordered(grouped_field_set, plain_fields, await general)


def _ordered(grouped_field_set: Any, plain_fields: dict[str, Any], general: dict[str, Any]) -> dict[str, Any]:
    """The plain and the general fields' values in the fields' order (the response lists
    them as the query does)."""
    return {
        name: plain_fields[name] if name in plain_fields else general[name]
        for name in grouped_field_set
        if name in plain_fields or name in general
    }
