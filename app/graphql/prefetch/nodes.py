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

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

import strawberry

FieldOfRow = Callable[[Any], Any]


class RowNode:
    """Base of a strawberry type whose fields are computed from `_row` (see `shown_from_row`)."""

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


def shown_from_row(
    cls: type[RowNode], *, same: Iterable[str] = (), ids: Iterable[str] = (), **computed: FieldOfRow
) -> None:
    """Declares how `cls` computes its fields from its row: `same` are the row's attribute of
    the same name, `ids` the row's UUID attribute as an ID (or None), `computed` the rest."""
    from_row: dict[str, FieldOfRow] = {name: attrgetter(name) for name in same}
    from_row.update((name, _id_of(name)) for name in ids)
    from_row.update(computed)
    # Every field without a resolver needs a way to be computed, and only those have one.
    plain = {f.python_name for f in cls.__strawberry_definition__.fields if f.base_resolver is None}  # type: ignore[attr-defined]
    plain.discard("_row")
    if plain != set(from_row):
        raise TypeError(
            f"{cls.__name__}: fields not shown from the row {sorted(plain - set(from_row))}, "
            f"not fields {sorted(set(from_row) - plain)}"
        )
    for name, compute in from_row.items():
        setattr(cls, name, _FromRow(name, compute))


def _id_of(name: str) -> FieldOfRow:
    get = attrgetter(name)

    def id_of(row: Any) -> strawberry.ID | None:
        value = get(row)
        return None if value is None else strawberry.ID(str(value))

    return id_of
