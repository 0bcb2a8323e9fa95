"""Rows read for display, without Tortoise model instances.

Building a model instance converts every column of every row up front, about 10 µs a
row; a catalog query reads some 2,500 rows and shows a few columns of each. A `Row` is a
named tuple of the driver's values, converted when read exactly as Tortoise would
(`_init_from_db`): JSON decoded, datetimes in the configured zone. Rows are read-only:
resolvers never write (DESIGN §3).

The statement goes through Tortoise's client, so it runs in the caller's transaction, if
any, and is logged and counted like every other statement.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable
from functools import cache
from typing import Any

import msgspec
from tortoise.fields import JSONField, UUIDField
from tortoise.models import Model

Converter = Callable[[Any], Any]
_fast_json = msgspec.json.Decoder().decode


class Row(tuple):
    """One row: a named tuple of the model's fields (a class per model, see `_row_class`)."""

    __slots__ = ()


class Reader:
    """SELECTs a model's rows by the values of one column, in the organization."""

    def __init__(self, model: type[Model]) -> None:
        meta = model._meta
        classified = len(meta.db_native_fields) + len(meta.db_default_fields) + len(meta.db_complex_fields)
        if classified != len(meta.fields_db_projection):  # Tortoise classifies fields when it starts
            raise RuntimeError(f"{model.__name__}: rows read before Tortoise is initialised")
        self.model = model
        self.columns: dict[str, str] = dict(meta.fields_db_projection)  # field → column
        selected = ", ".join(f'"{column}" AS "{name}"' for name, column in self.columns.items())
        self.select = f'SELECT {selected} FROM "{meta.db_table}"'
        self.row = _row_class(model, tuple(self.columns))

    async def where_in(
        self, organization_id: Any, field: str, keys: list[Any], order_by: tuple[str, ...] = ()
    ) -> list[Row]:
        sql = f'{self.select} WHERE "organization_id"=$1 AND "{self.columns[field]}"=ANY($2)'
        if order_by:
            sql += " ORDER BY " + ",".join(map(self._order, order_by))
        _, records = await self.model._meta.db.execute_query(sql, [organization_id, keys])
        new = tuple.__new__
        return [new(self.row, record) for record in records]  # a record iterates its columns in order

    def _order(self, name: str) -> str:
        """SQL of one `order_by` term, Tortoise's way: `field` ascending, `-field` descending."""
        return f'"{self.columns[name[1:]]}" DESC' if name.startswith("-") else f'"{self.columns[name]}" ASC'


def _row_class(model: type[Model], fields: tuple[str, ...]) -> type[Row]:
    """A named tuple of `fields` (the SELECT's columns, in order): a field the driver yields
    as Tortoise would is read by C code; the others convert on each read."""
    named = namedtuple(f"{model.__name__}Row", fields)  # type: ignore[misc]  # noqa: PYI024
    converted = {
        name: property(_converted(fields.index(name), convert)) for name, convert in _converters(model).items()
    }
    return type(f"{model.__name__}Row", (named, Row), {"__slots__": (), **converted})


def _converted(index: int, convert: Converter) -> Callable[[Row], Any]:
    def read(row: Row) -> Any:
        value = tuple.__getitem__(row, index)
        return None if value is None else convert(value)

    return read


def _converters(model: type[Model]) -> dict[str, Converter]:
    """What Tortoise's `_init_from_db` applies to each field (native fields: nothing), JSON
    decoded directly and UUIDs left as the driver's (already `uuid.UUID`s)."""
    meta = model._meta
    converters: dict[str, Converter] = {name: field.field_type for _, name, field in meta.db_default_fields}
    for _, name, field in meta.db_complex_fields:
        if isinstance(field, UUIDField):
            continue
        if isinstance(field, JSONField) and not hasattr(field.field_type, "model_fields"):  # not a pydantic model
            converters[name] = _json_decoder(field.decoder)
        else:
            converters[name] = field.to_python_value
    return converters


def _json_decoder(decode: Converter) -> Converter:
    if decode is not json.loads:  # a field's own decoder: its own reading
        return lambda value: decode(value) if isinstance(value, (str, bytes)) else value

    # msgspec reads the driver's JSON text into the same values as `json.loads` (dicts,
    # lists, str, int of any size, float) several times faster; a text it refuses (a
    # number beyond a float's range, which `json.loads` reads as infinity) goes through
    # the field's own decoder.
    def convert(value: Any) -> Any:
        if not isinstance(value, (str, bytes)):
            return value
        try:
            return _fast_json(value)
        except msgspec.MsgspecError:
            return decode(value)

    return convert


@cache
def reader(model: type[Model]) -> Reader:
    """The model's reader, built on first use (at request time, after Tortoise started)."""
    return Reader(model)
