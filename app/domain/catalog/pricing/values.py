"""Readers of single input values: each reads one field of an input by the input's name
(the path its problems are reported at), from plain data or a typed draft
(`pricing.draft.PricingDraft`), reports what is wrong with it into the collector, and
returns the model value.

Conventions shared by every catalog check
- A key that is missing and a key sent as null mean the same: the field's default (for
  a field with one), "not set" (for a nullable field) or REQUIRED.
- Decimals arrive as `Decimal`, `int` or a decimal string and leave as `Decimal`; a float
  is refused, because it has already lost the exact value the client meant. A decimal
  outside `app.domain.decimals`' bounds (digits, exponent) is refused too: the GraphQL
  scalar refuses it first, this keeps every other caller of a service as safe.
- Instants must carry a UTC offset, lie within the dates billing computes with
  (`app.domain.date_range`), and leave as aware datetimes in UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, cast

from app.domain.date_range import instant_problem
from app.domain.decimals import MAX_TEXT, decimal_problem
from app.domain.given import Given
from app.domain.ids import as_uuid
from app.domain.naming import custom_fields_problem
from app.domain.problems import ErrorCode, ProblemCollector

ZERO = Decimal(0)
Data = Mapping[str, Any]


def to_decimal(value: object) -> Decimal | None:
    """The exact finite Decimal within bounds `value` stands for, or None when it is not one."""
    parsed = _parsed(value)
    return parsed if parsed is not None and decimal_problem(parsed) is None else None


def _parsed(value: object) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, float):
        return None
    if isinstance(value, int):
        value = Decimal(value) if abs(value) < 10 ** (MAX_TEXT + 1) else None
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return None
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return None
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def not_decimal_reason(value: object) -> str:
    """Why `to_decimal(value)` is None, for the client."""
    parsed = _parsed(value)
    return (decimal_problem(parsed) if parsed is not None else None) or "must be a decimal number"


def plain_decimal(value: Decimal) -> str:
    """How decimals are stored inside JSON columns: positional notation, never "-0"."""
    return format(value.copy_abs() if value.is_zero() else value, "f")


def text(
    data: Given, key: str, at: ProblemCollector, rule: Callable[[str], str | None], *, required: bool
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    if not isinstance(value, str):
        at.add(key, ErrorCode.INVALID, "must be a string")
    elif message := rule(value):
        at.add(key, ErrorCode.INVALID, message)
    return cast("str | None", value)


def amount(data: Given, key: str, at: ProblemCollector, *, default: Decimal | None) -> Decimal | None:
    """A decimal ≥ 0 (every amount of plans and pricings is a charge, never a credit)."""
    value = data.get(key)
    if value is None:
        return default
    parsed = to_decimal(value)
    if parsed is None:
        at.add(key, ErrorCode.INVALID, not_decimal_reason(value))
    elif parsed < 0:
        at.add(key, ErrorCode.INVALID, "must not be negative")
    return parsed


def integer(data: Given, key: str, at: ProblemCollector, low: int, high: int, *, default: int) -> int:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        at.add(key, ErrorCode.INVALID, f"must be a whole number from {low} to {high}")
    return cast("int", value)


def boolean(data: Given, key: str, at: ProblemCollector, *, default: bool | None) -> bool | None:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        at.add(key, ErrorCode.INVALID, "must be true or false")
    return cast("bool | None", value)


def choice(data: Given, key: str, at: ProblemCollector, kind: type[Enum], *, default: str | None = None) -> str | None:
    """An enum value by name; without a default the key is required."""
    value = data.get(key)
    if value is None:
        if default is None:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return default
    value = value.value if isinstance(value, kind) else value
    if value not in kind.__members__:
        at.add(key, ErrorCode.INVALID, f"must be one of {', '.join(kind.__members__)}")
    return cast("str | None", value)


def custom_fields(data: Given, at: ProblemCollector) -> dict[str, Any]:
    value = data.get("customFields")
    if value is None:
        return {}
    if message := custom_fields_problem(value):
        at.add("customFields", ErrorCode.INVALID, message)
        return {}
    return dict(value)


def identifier(data: Given, key: str, at: ProblemCollector) -> uuid.UUID | None:
    """An optional id: a UUID, or None when the key is missing or null."""
    value = data.get(key)
    if value is None:
        return None
    parsed = as_uuid(value)
    if parsed is None:
        at.add(key, ErrorCode.INVALID, f"{value!r} is not a valid id")
    return parsed


def instant(data: Given, key: str, at: ProblemCollector, *, required: bool) -> datetime | None:
    value = data.get(key)
    if value is None:
        if required:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            at.add(key, ErrorCode.INVALID, "must be an ISO-8601 date-time with offset")
            return None
    if not isinstance(value, datetime):
        at.add(key, ErrorCode.INVALID, "must be an ISO-8601 date-time with offset")
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        at.add(key, ErrorCode.INVALID, "must include a UTC offset")
        return None
    if problem := instant_problem(value):
        at.add(key, ErrorCode.INVALID, problem)
        return None
    return value.astimezone(UTC)
