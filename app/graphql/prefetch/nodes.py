"""GraphQL objects shown from one row, their fields computed when first read.

A catalog query builds thousands of objects of types with twenty-odd fields and reads a
few of each: ids, decimals of pricing bands, enum members and lists computed for every
field cost more than the fields a client selects (and keep the garbage collector busy).
`RowNode.of(row)` keeps the row only; each field is a descriptor on the class that
computes the value from the row on first read and keeps it on the object.

The types stay ordinary strawberry types: their constructor still takes every field (a
value set on the object hides the descriptor), and the schema does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar

import strawberry

FieldOfRow = Callable[[Any], Any]
N = TypeVar("N", bound="RowNode")
E = TypeVar("E", bound=Enum)
_READS = "metergraph.reads"  # the key of a field's reader in its strawberry metadata
_SAME, _AS_ID = object(), object()  # readers that need the field's name


class RowNode:
    """Base of a strawberry type whose fields are computed from `_row` (see `row_type`)."""

    @classmethod
    def of(cls, row: Any) -> Any:
        node = cls.__new__(cls)
        node._row = row
        return node

    @classmethod
    def of_or_none(cls, row: Any | None) -> Any:
        return None if row is None else cls.of(row)


class _FromRow:
    """A field computed from the object's row when first read, then kept on the object
    (a non-data descriptor: the value in the object's `__dict__` wins from then on)."""

    __slots__ = ("compute", "name")

    def __init__(self, name: str, compute: FieldOfRow) -> None:
        self.name = name
        self.compute = compute

    def __get__(self, node: Any, owner: type | None = None) -> Any:
        if node is None:
            return self
        value = node.__dict__[self.name] = self.compute(node._row)
        return value


def row_reader(cls: type, name: str) -> FieldOfRow | None:
    """How instances of exactly `cls` compute their field `name` from their row (the
    `compute` of its `_FromRow`), for a reader that reads many objects' fields: None when
    `cls` does not show that field from its row. An instance whose `__dict__` holds the
    field (set by the constructor, or kept by an earlier read) shows that value instead;
    a caller checks that first."""
    for klass in cls.__mro__:
        if name in vars(klass):
            found = vars(klass)[name]
            return found.compute if isinstance(found, _FromRow) else None
    return None


def from_row(read: FieldOfRow | None = None, *, description: str) -> Any:
    """A field shown from the object's row: `read(row)` computes it; without `read`, the
    row's attribute of the field's name."""
    return strawberry.field(description=description, metadata={_READS: read or _SAME})


def id_from_row(*, description: str) -> Any:
    """A field shown as the row's UUID attribute of the field's name, as an ID (or None)."""
    return strawberry.field(description=description, metadata={_READS: _AS_ID})


def enum_member(enum: type[E]) -> Callable[[Any], E]:
    """`enum(value)`, found in the enum's map of values to members (one dict lookup, where
    calling the enum runs two Python frames); a value that is no member's goes through
    `enum(value)` itself, which answers it as it always has."""
    members = enum._value2member_map_

    def member(value: Any) -> E:
        try:
            return members[value]  # type: ignore[return-value]
        except (KeyError, TypeError):
            return enum(value)

    return member


def enum_column(enum: type[E], column: str) -> FieldOfRow:
    """A reader for `from_row`: the row's `column` as a member of `enum`."""
    get, member = attrgetter(column), enum_member(enum)
    return lambda row: member(get(row))


def row_type(cls: type[N] | None = None, **options: Any) -> Any:
    """`strawberry.type` for a `RowNode`, that then installs each field's `from_row` reader."""

    def wrap(cls: type[N]) -> type[N]:
        typed = strawberry.type(cls, **options)
        _install_readers(typed)
        return typed

    return wrap if cls is None else wrap(cls)


def _install_readers(cls: type[RowNode]) -> None:
    readers: dict[str, FieldOfRow] = {}
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        name, read = field.python_name, field.metadata.get(_READS)
        # Every field without a resolver needs a way to be computed, or it would show nothing.
        if field.base_resolver is None and read is None and name != "_row":
            raise TypeError(f"{cls.__name__}.{name}: neither a resolver nor from_row/id_from_row")
        if read is not None:
            readers[name] = attrgetter(name) if read is _SAME else _id_of(name) if read is _AS_ID else read
    for name, read in readers.items():
        setattr(cls, name, _FromRow(name, read))


def _id_of(name: str) -> FieldOfRow:
    get = attrgetter(name)

    def id_of(row: Any) -> strawberry.ID | None:
        value = get(row)
        return None if value is None else strawberry.ID(str(value))

    return id_of
