"""Shape rules shared by meters, aggregations and compound aggregations (SEMANTICS §1,
§3.2–3.4): required texts, labels, custom fields, exact decimals and choices.

Each helper reads one key of a plain input, reports what is wrong into the collector and
returns the value to store (or the raw value when it is wrong: the caller raises before
anything is written, so a wrong value is never stored).

Invariants
- Absent and null mean the same: "required" for required keys, the default otherwise.
- Decimals stay exact: a float is refused rather than converted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from app.domain.given import Given
from app.domain.naming import CONTROL_CHARS, MAX_CODE, custom_fields_problem
from app.domain.problems import ErrorCode, ProblemCollector

Rule = Callable[[str], "str | None"]
MAX_LABEL = MAX_CODE  # units are printed on line items; the unit column holds 80


def required_text(data: Given, key: str, at: ProblemCollector, rule: Rule) -> Any:
    value = data.get(key)
    if value is None:
        at.add(key, ErrorCode.REQUIRED, "is required")
    elif not isinstance(value, str):
        at.add(key, ErrorCode.INVALID, "must be a string")
    elif msg := rule(value):
        at.add(key, ErrorCode.INVALID, msg)
    return value


def optional_label(data: Given, key: str, at: ProblemCollector) -> str | None:
    """A short free text such as a unit: up to 80 characters, no control characters."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        at.add(key, ErrorCode.INVALID, "must be a string")
    elif len(value) > MAX_LABEL:
        at.add(key, ErrorCode.INVALID, f"must be at most {MAX_LABEL} characters")
    elif CONTROL_CHARS.search(value):
        at.add(key, ErrorCode.INVALID, "must not contain control characters")
    return cast(str | None, value)  # a non-string was reported above: the collector refuses the input


def custom_fields(data: Given, at: ProblemCollector) -> Any:
    value = data.get("customFields")
    value = {} if value is None else value
    if msg := custom_fields_problem(value):
        at.add("customFields", ErrorCode.INVALID, msg)
    return dict(value) if isinstance(value, Mapping) else value


def choice(data: Given, key: str, at: ProblemCollector, allowed: Sequence[str], default: str | None = None) -> Any:
    value = data.get(key)
    if value is None:
        if default is None:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return default
    if value not in allowed:
        at.add(key, ErrorCode.INVALID, f"must be one of {', '.join(allowed)}")
    return value


def flag(data: Given, key: str, at: ProblemCollector, default: bool = False) -> Any:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        at.add(key, ErrorCode.INVALID, "must be true or false")
    return value


def exact_decimal(
    data: Given, key: str, at: ProblemCollector, *, default: Decimal | None, positive: bool
) -> Decimal | None:
    """An exact, finite decimal; `positive` requires > 0, otherwise ≥ 0 is required."""
    value = data.get(key)
    if value is None:
        return default
    number = _as_decimal(value)
    if number is None:
        at.add(key, ErrorCode.INVALID, "must be an exact, finite decimal number")
        return None
    if positive and number <= 0:
        at.add(key, ErrorCode.INVALID, "must be greater than 0")
    elif not positive and number < 0:
        at.add(key, ErrorCode.INVALID, "must not be negative")
    return number


def _as_decimal(value: object) -> Decimal | None:
    # bool is an int in Python and float is inexact: neither is a quantity here.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def item_list(data: Given, key: str, at: ProblemCollector, *, minimum: int, maximum: int, noun: str) -> list[Any]:
    """A list of at most `maximum` (and at least `minimum`) items; null is the empty list."""
    value = data.get(key)
    value = [] if value is None else value
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        at.add(key, ErrorCode.INVALID, "must be a list")
        return []
    if minimum and not value:
        at.add(
            key,
            ErrorCode.REQUIRED,
            f"at least {minimum} {noun} required" if minimum > 1 else "at least one is required",
        )
    elif not minimum <= len(value) <= maximum:
        at.add(key, ErrorCode.INVALID, f"must hold {minimum}–{maximum} {noun}, got {len(value)}")
    return list(value)
