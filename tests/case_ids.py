"""Readable ids for parametrized cases: `@pytest.mark.parametrize(..., ids=case_id)` names a
case by its values (`2022-01-31-MONTHLY-1`) rather than by position (`epoch0-M-1`)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

WIDTH = 40  # longer values are cut, so that an id stays a name, not a dump


def case_id(value: Any) -> str | None:
    """The id of one argument of a case; None leaves pytest's own (strings and numbers as is)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, (date, time, timedelta, Decimal, UUID)):
        return str(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)) and _plain(value):
        text = repr(value).replace("Decimal(", "").replace("datetime.date(", "date(")
        return text if len(text) <= WIDTH else text[: WIDTH - 3] + "..."
    if callable(value):
        return getattr(value, "__name__", None)
    return None


def _plain(value: Any) -> bool:
    """Values whose repr reads as a name: scalars, and containers of them."""
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(map(_plain, value))
    return value is None or isinstance(value, (str, int, float, Decimal, date, Enum))
