"""Typed commands and the fields a client sent (pure; no I/O).

Concepts
- `NOT_GIVEN`: the value of a command field the client left out. It differs from None,
  which the client sent (`name: null`); an update changes only the fields given.
- `given(command)`: the fields of a command (a dataclass) that were sent, by python name.
- `from_input(command, data)`: a command from plain data keyed by input names (nested inputs).
- `input_name(command, field)`: the input's name of a field (its `input` metadata, or the
  camelCase of its python name), the path at which its problems are reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class _NotGiven:
    """A field the client left out."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


def given(command: Any) -> dict[str, Any]:
    """The fields of `command` that were sent (null included), by python name, in declaration order."""
    return {
        f.name: getattr(command, f.name)
        for f in dataclasses.fields(command)
        if getattr(command, f.name) is not NOT_GIVEN
    }


def from_input(command: type[T], data: Mapping[str, Any], **fields: Any) -> T:
    """A command from plain data named as the input names its fields (a nested input that
    arrives as plain data); a name absent from `data` is NOT_GIVEN. `fields` are set as given."""
    names = {f.name: str(f.metadata.get("input") or _camel(f.name)) for f in dataclasses.fields(command)}  # type: ignore[arg-type]
    sent = {name: data[key] for name, key in names.items() if key in data and name not in fields}
    return command(**sent, **fields)


def input_name(command: Any, name: str) -> str:
    """The input's name of the field `name` of `command` (a dataclass or its class)."""
    for f in dataclasses.fields(command):
        if f.name == name:
            return str(f.metadata.get("input") or _camel(name))
    raise KeyError(name)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
