"""Typed commands and the fields a client sent (pure; no I/O).

Concepts
- `NOT_GIVEN`: the value of a command field the client left out. It differs from None,
  which the client sent (`name: null`); an update changes only the fields given.
- `given(command)`: the fields of a command (a dataclass) that were sent, by python name.
- `from_input(command, data)`: a command from plain data keyed by input names (nested inputs).
- `Fields`: base of a draft, read by input name (`get`), built from plain data (`from_input`).
- `nested(kind)`: a draft field holding nested inputs of another draft class.
- `input_name(command, field)`: the input's name of a field (its `input` metadata, or the
  camelCase of its python name), the path at which its problems are reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

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
    names = {f.name: _input_key(f) for f in dataclasses.fields(command)}  # type: ignore[arg-type]
    sent = {name: data[key] for name, key in names.items() if key in data and name not in fields}
    return command(**sent, **fields)


class Given(Protocol):
    """What value readers read from: a field's value by its input name (None when absent);
    plain data or a draft."""

    def get(self, key: str, /) -> Any: ...


class Fields:
    """Base of a frozen dataclass of input fields (a draft): read by input name, the way
    the value readers and their problem paths name fields, and built from plain data.

    A field whose metadata names `items` (a function returning a `Fields` class) holds
    nested inputs: plain data items become drafts of that class."""

    __slots__ = ()

    def get(self, name: str, default: Any = None) -> Any:
        """The value of the field this input name names; `default` when not given (or unknown)."""
        python = _python_names(type(self)).get(name)
        value = NOT_GIVEN if python is None else getattr(self, python)
        return default if value is NOT_GIVEN else value

    @classmethod
    def from_input(cls: type[F], data: Mapping[str, Any]) -> F:
        sent = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            key = _input_key(f)
            if key in data:
                sent[f.name] = _nested(f.metadata.get("items"), data[key])
        return cls(**sent)

    def merged(self: F, changes: Fields) -> F:
        """These values with every field `changes` gives (null included) replaced."""
        return dataclasses.replace(self, **given(changes))  # type: ignore[type-var]


F = TypeVar("F", bound=Fields)


def as_fields(kind: type[F], data: F | Mapping[str, Any]) -> F:
    """`data` as a draft of `kind`; plain data (nested inputs, table tests) is converted."""
    return data if isinstance(data, kind) else kind.from_input(data)  # type: ignore[arg-type]


def nested(kind: Any) -> Any:
    """A draft field holding a list of nested inputs of `kind` (a function returning the
    draft class, named lazily since drafts refer to each other); plain data items become
    drafts of that class."""
    return dataclasses.field(default=NOT_GIVEN, metadata={"items": kind})


def is_nested(f: dataclasses.Field[Any]) -> bool:
    return "items" in f.metadata


def _input_key(f: dataclasses.Field[Any]) -> str:
    """The input's name of a field: its `input` metadata, else the camelCase of its name."""
    return str(f.metadata.get("input") or _camel(f.name))


def _nested(kind: Any, value: Any) -> Any:
    if kind is None or not isinstance(value, list):
        return value
    draft = kind()
    return [draft.from_input(item) if isinstance(item, Mapping) else item for item in value]


_PYTHON_NAMES: dict[type, dict[str, str]] = {}


def _python_names(kind: type) -> dict[str, str]:
    if kind not in _PYTHON_NAMES:
        _PYTHON_NAMES[kind] = {_input_key(f): f.name for f in dataclasses.fields(kind)}
    return _PYTHON_NAMES[kind]


def input_name(command: Any, name: str) -> str:
    """The input's name of the field `name` of `command` (a dataclass or its class)."""
    for f in dataclasses.fields(command):
        if f.name == name:
            return _input_key(f)
    raise KeyError(name)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
