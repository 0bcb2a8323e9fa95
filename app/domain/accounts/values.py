"""Single-value rules of the account inputs: presence, ids, decimals, instants, dates,
bounded integers and enum members. Each reads one field of an input (plain data or a draft), reports its
problem at that key and returns the value to store (None when absent or wrong)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, cast

from app.domain import ids
from app.domain.date_range import date_problem, instant_problem
from app.domain.given import Given
from app.domain.naming import custom_fields_problem
from app.domain.problems import ErrorCode, ProblemCollector

E = TypeVar("E", bound=Enum)
Path = str | tuple[str | int, ...]


def _path(key: Path) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else tuple(str(k) for k in key)


def present(data: Given, key: str, at: ProblemCollector, *, required: bool) -> Any:
    value = data.get(key)
    if value is None and required:
        at.add(key, ErrorCode.REQUIRED, "is required")
    return value


def text(
    data: Given,
    key: str,
    at: ProblemCollector,
    rule: Callable[[str], str | None],
    *,
    required: bool = False,
) -> str | None:
    value = present(data, key, at, required=required)
    if value is None:
        return None
    if not isinstance(value, str):
        at.add(key, ErrorCode.INVALID, "must be a string")
        return None
    if msg := rule(value):
        at.add(key, ErrorCode.INVALID, msg)
    return value


def as_uuid(value: Any, key: Path, at: ProblemCollector) -> uuid.UUID | None:
    """An id the client sent; a malformed one names nothing (NOT_FOUND, like an unknown id)."""
    parsed = ids.as_uuid(value)
    if parsed is None and value is not None:
        at.add(_path(key), ErrorCode.NOT_FOUND, f"{value!r} is not a valid id")
    return parsed


def decimal(
    value: Any, key: Path, at: ProblemCollector, *, minimum: Decimal | None = None, strict: bool = False
) -> Decimal | None:
    """A finite decimal, at least `minimum` (greater than it when `strict`)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        at.add(_path(key), ErrorCode.INVALID, "must be a decimal number")
        return None
    value = Decimal(value)
    if not value.is_finite():
        at.add(_path(key), ErrorCode.INVALID, "must be a finite number")
        return None
    if minimum is not None and (value <= minimum if strict else value < minimum):
        at.add(_path(key), ErrorCode.INVALID, f"must be {'greater than' if strict else 'at least'} {minimum}")
    return cast("Decimal | None", value)


def instant(value: Any, key: Path, at: ProblemCollector) -> datetime | None:
    """An aware date-time, returned in UTC; a naive one is ambiguous and refused."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        at.add(_path(key), ErrorCode.INVALID, "must be a date-time")
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        at.add(_path(key), ErrorCode.INVALID, "must include a UTC offset, e.g. 2026-01-01T00:00:00Z")
        return None
    if problem := instant_problem(value):
        at.add(_path(key), ErrorCode.INVALID, problem)
        return None
    return value.astimezone(UTC)


def plain_date(value: Any, key: Path, at: ProblemCollector) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        at.add(_path(key), ErrorCode.INVALID, "must be a date (YYYY-MM-DD)")
        return None
    if problem := date_problem(value):
        at.add(_path(key), ErrorCode.INVALID, problem)
        return None
    return value


def whole(value: Any, key: Path, at: ProblemCollector, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        at.add(_path(key), ErrorCode.INVALID, f"must be a whole number from {low} to {high}")
        return None
    return value


def flag(value: Any, key: Path, at: ProblemCollector) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    at.add(_path(key), ErrorCode.INVALID, "must be true or false")
    return None


def member(value: Any, key: Path, at: ProblemCollector, kind: type[E]) -> E | None:
    if value is None:
        return None
    try:
        return kind(value.value if isinstance(value, Enum) else value)
    except ValueError:
        at.add(_path(key), ErrorCode.INVALID, f"must be one of {', '.join(m.value for m in kind)}")
        return None


def custom_fields(value: Any, at: ProblemCollector) -> dict[str, Any]:
    """Custom fields default to an empty map."""
    value = {} if value is None else value
    if msg := custom_fields_problem(value):
        at.add("customFields", ErrorCode.INVALID, msg)
    return cast("dict[str, Any]", value)
