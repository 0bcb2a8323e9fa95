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

from types import CoroutineType, GeneratorType, WrapperDescriptorType
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

PLAIN_LEAF = "metergraph-plain-leaf"  # key in a GraphQLField's `extensions`
UNUSUAL = object()  # "take the general path": the plain read found something unusual


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


# Types whose values are plain: neither awaitable nor exceptions (grows with the types met).
SYNC_TYPES: set[type] = {dict, list, str, int, float, bool, type(None)}


def is_sync(value: Any) -> bool:
    """Whether `value` is plainly a value, by its type: a class with no `__await__`, no
    `__getattr__` and the usual attribute lookup (what its instances' lookup consults: its
    MRO, not its metaclass), neither a coroutine, a generator nor an exception. (An
    `__await__` set on one instance is not looked for.)"""
    cls = type(value)
    if cls in SYNC_TYPES:
        return True
    if issubclass(cls, (CoroutineType, GeneratorType, BaseException)) or _defines(cls, "__await__", "__getattr__"):
        return False
    lookup = next(vars(k)["__getattribute__"] for k in cls.__mro__ if "__getattribute__" in vars(k))
    if not isinstance(lookup, WrapperDescriptorType):
        return False
    SYNC_TYPES.add(cls)
    return True


def _defines(cls: type, *names: str) -> bool:
    return any(name in vars(k) for k in cls.__mro__ for name in names)


def leaf_value(plain: PlainLeaf, value: Any) -> Any:
    """The output of the attribute `value` of a plain leaf; UNUSUAL when the general path
    must answer the field (it reports what is wrong the way it always has)."""
    if value is None:
        return UNUSUAL if plain.non_null else None
    if type(value) not in SYNC_TYPES and not is_sync(value):
        return UNUSUAL
    try:
        coerced = plain.type.coerce_output_value(value)
    except Exception:  # noqa: BLE001 - the general path raises it again, located
        return UNUSUAL
    return UNUSUAL if coerced is None or coerced is Undefined else coerced
