"""Nested resolvers called directly: a field whose resolver takes only plain scalar
arguments and has no field extension is called with its arguments renamed, as
strawberry would call it.

Strawberry reaches every resolver through a chain built for the general case: a
strawberry `Info`, argument conversion (input types, enums, custom scalars), field
extensions applied by `reduce`, then the resolver; a catalog read calls some 2,000
nested resolvers (`meters`, `aggregations`, `pricings`...) and that chain was a tenth of
its CPU time. For `first: Int`, `after: String` or `code: String` the conversion is only
the rename from the GraphQL name to the Python one, so here that is all that is done.

Root fields carry `authorize` (a field extension) and take input types: they keep the
general chain. The read guards (`app.graphql.reads`) wrap the direct resolver as they
wrapped strawberry's: `install` runs before them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

# Argument types strawberry passes through unchanged (GraphQL has already coerced them).
_PLAIN_ARGUMENTS = {int, str, bool, float, strawberry.ID}


def install(schema: strawberry.Schema) -> None:
    """Replace strawberry's resolver chain by a direct call wherever it changes nothing."""
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField) and _is_direct(definition):
                field.resolve = _direct(definition, schema)


def _is_direct(field: StrawberryField) -> bool:
    if field.base_resolver is None or field.extensions or field.is_subscription:
        return False
    return all(_plain(argument.type) for argument in field.arguments)


def _plain(type_: Any) -> bool:
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    return type_ in _PLAIN_ARGUMENTS


def _direct(field: StrawberryField, schema: strawberry.Schema) -> Callable[..., Any]:
    resolver = field.base_resolver
    assert resolver is not None
    # The function itself: `StrawberryResolver.__call__` only checks it is callable, then calls it.
    function = resolver.wrapped_func if callable(resolver.wrapped_func) else resolver
    # Arguments whose Python name differs from the GraphQL one (`first`, `after`, `code` do not).
    renamed = {graphql: python for graphql, python in _names(field, schema) if graphql != python}
    takes_self = resolver.self_parameter is not None
    sources = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class
    make_info = _info_maker(info_class)

    def resolve(source: Any, info: Any, **arguments: Any) -> Any:
        # `arguments` is this call's own dict (GraphQL passes only the field's arguments).
        if renamed:
            arguments = {renamed.get(name, name): value for name, value in arguments.items()}
        for name in sources:
            arguments[name] = source
        if info_name is not None:
            arguments[info_name] = make_info(info, field)
        return function(source, **arguments) if takes_self else function(**arguments)

    return resolve


def _info_maker(info_class: type) -> Callable[[Any, StrawberryField], Any]:
    """`info_class(_raw_info=..., _field=...)`: called positionally when those are its first
    two fields and the only ones without a default, as in strawberry's `Info` (a third of
    the time of the keyword call, which a catalog read makes 2,000 times)."""
    fields = dataclasses.fields(info_class) if dataclasses.is_dataclass(info_class) else ()
    names = [f.name for f in fields if f.init]
    required = [f.name for f in fields if f.init and f.default is MISSING and f.default_factory is MISSING]
    if names[:2] == required == ["_raw_info", "_field"]:
        return info_class
    return lambda raw, field: info_class(_raw_info=raw, _field=field)


def _names(field: StrawberryField, schema: strawberry.Schema) -> list[tuple[str, str]]:
    return [(schema.config.name_converter.from_argument(a), a.python_name) for a in field.arguments]
