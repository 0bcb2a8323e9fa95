"""Turning strawberry inputs into what services take: typed commands (`command_fields`,
`draft_of`), ids (`parse_id`), and the ids of list filters (`filter_ids`, `filter_id`).

A field the client left out is UNSET here and NOT_GIVEN in a command; one sent as null is
None in both."""

from __future__ import annotations

import dataclasses
import uuid
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET
from strawberry.types.base import get_object_definition, has_object_definition

from app.services.errors import ErrorCode, fail


def provided(data: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the client actually sent, keyed by their GraphQL (camelCase) names.

    A field left out is absent here (it stays unchanged); a field sent as null is present
    with None (the service decides whether null is allowed)."""
    definition = get_object_definition(data, strict=True)
    out: dict[str, Any] = {}
    for field in definition.fields:
        if field.python_name in exclude:
            continue
        value = getattr(data, field.python_name)
        if value is UNSET:
            continue
        out[field.graphql_name or _camel(field.python_name)] = value
    return out


def _camel(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part.title() for part in rest)


def parse_id(value: Any, path: tuple[str, ...] = ("input", "id")) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise fail(path, ErrorCode.NOT_FOUND, f"{value!r} is not a valid id") from exc


def plain_data(value: Any, exclude: tuple[str, ...] = ()) -> Any:
    """An input as the plain data services take: the fields sent (camelCase keys),
    nested inputs and lists converted too, enums as their values, JSON as it came."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    if has_object_definition(value):
        return {key: plain_data(item) for key, item in provided(value, exclude=exclude).items()}
    return value


def command_fields(command: type, input: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of a command (a dataclass) read from the strawberry input of the same
    snake_case names: nested inputs and enums as plain data, a field the client left out
    absent (so it takes the command's default, e.g. `NOT_GIVEN`)."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(command):
        value = getattr(input, field.name, UNSET)
        if field.name not in exclude and value is not UNSET:
            out[field.name] = plain_data(value)
    return out


def draft_of(kind: Any, input: Any, exclude: tuple[str, ...] = ()) -> Any:
    """A draft (`app.domain.given.Fields`) of the fields the client sent, nested inputs
    included; a field left out is NOT_GIVEN."""
    return kind.from_input(plain_data(input, exclude=exclude))


def optional(description: str) -> Any:
    """An input field a client may leave out (UNSET: unchanged, or the default)."""
    return strawberry.field(default=UNSET, description=description)


def filter_ids(values: list[Any], name: str) -> list[uuid.UUID]:
    """Ids of a list filter; a malformed one is the client's mistake (BAD_USER_INPUT)."""
    from app.domain.ids import as_uuid
    from app.graphql.errors import BadRequest

    parsed = [as_uuid(v) for v in values]
    if None in parsed:
        raise BadRequest(f"filter.{name} holds an invalid id")
    return parsed  # type: ignore[return-value]


def filter_id(value: Any, name: str) -> uuid.UUID:
    """The id of a single-id filter field; a malformed one is BAD_USER_INPUT."""
    from app.domain.ids import as_uuid
    from app.graphql.errors import BadRequest

    parsed = as_uuid(value)
    if parsed is None:
        raise BadRequest(f"filter.{name} is not a valid id")
    return parsed
