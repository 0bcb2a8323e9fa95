"""Column types Tortoise lacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.fields import DecimalField, JSONField


class NumericField(DecimalField):
    """Unconstrained PostgreSQL `numeric`: exact, any scale, never quantized on read.

    Money and quantities keep every digit a client sent; rounding happens once, at the
    place SEMANTICS §7.2 names, never as a side effect of storage."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=1000, decimal_places=0, **kwargs)

    def to_python_value(self, value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    @property
    def SQL_TYPE(self) -> str:  # type: ignore[override]
        return "NUMERIC"


class PlainJSONField(JSONField):
    """PostgreSQL `json`: the document kept as its text, checked but not converted into
    jsonb's binary form. For documents only ever read whole, where building the binary form
    on each write costs more than it saves (event row images, app.services.events.images)."""

    class _db_postgres:
        SQL_TYPE = "JSON"
