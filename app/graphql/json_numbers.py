"""JSON numbers of GraphQL requests, kept exact.

A JSON number with a fraction or an exponent (`0.1`, `1.2345678901234567891`, `5e-7`)
is read as a ``JsonNumber``: a float, which is what graphql-core's `Float`, the `JSON`
scalar's consumers and everything else that took a float before still take, that also
keeps the number's text. Where a value becomes a Decimal, it is read from that text:

- a `Decimal` argument or input field given as a JSON number (``scalars.parse_decimal``);
- the sections of `submitMeasurements` (``exact``), which go to the same worker as the
  REST route's, where JSON numbers were always read from their text.

Before, such a number went through a float: 1.2345678901234567891 became
1.2345678901234568, and a measurement or a price past 17 significant digits was stored
other than it was sent, with no error. Numbers written in the document itself (literals)
are read the same way (``parse_json_literal``; `Decimal` literals always were).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from graphql import FloatValueNode, ListValueNode, ObjectValueNode, ValueNode, value_from_ast_untyped
from strawberry.scalars import JSON
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY


class JsonNumber(float):
    """A JSON number with a fraction or exponent: its float value and its text."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def exact(value: Any) -> Any:
    """``value`` with every JsonNumber in it (at any depth) as the Decimal of its text."""
    kind = type(value)
    if kind is JsonNumber:
        return Decimal(value.text)
    if kind is dict:
        return {key: exact(entry) for key, entry in value.items()}
    if kind is list:
        return [exact(entry) for entry in value]
    return value


def encode_hook(value: Any) -> Any:
    """msgspec's `enc_hook`: a JsonNumber is written as the float it is (a response
    echoing an input, e.g. custom fields just saved)."""
    if isinstance(value, JsonNumber):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def parse_json_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    """A `JSON` value written in the document, its numbers with fractions kept as text."""
    if isinstance(node, FloatValueNode):
        return JsonNumber(node.value)
    if isinstance(node, ObjectValueNode):
        return {field.name.value: parse_json_literal(field.value, variables) for field in node.fields}
    if isinstance(node, ListValueNode):
        return [parse_json_literal(entry, variables) for entry in node.values]
    return value_from_ast_untyped(node, variables)


# Strawberry's own `JSON` scalar (same name, description and wire form) but for its literals.
ExactJson = dataclasses.replace(DEFAULT_SCALAR_REGISTRY[JSON], parse_literal=parse_json_literal)
