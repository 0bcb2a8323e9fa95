"""Shape rules for codes, names and custom fields shared by every entity (SEMANTICS §1).

Each check returns a message when the value is wrong and None when it is fine, so callers
can collect every problem of an input before answering.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from app.domain.decimals import decimal_problem

IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
MAX_CODE = 80
MAX_NAME = 200
MAX_DESCRIPTION = 200
MAX_CUSTOM_FIELDS = 100


def entity_code_problem(code: str) -> str | None:
    """Product, Meter, Account, Plan... codes: 1–80 characters, no control characters,
    no leading or trailing whitespace."""
    if not 1 <= len(code) <= MAX_CODE:
        return f"must be 1–{MAX_CODE} characters"
    if CONTROL_CHARS.search(code):
        return "must not contain control characters"
    if code != code.strip():
        return "must not start or end with whitespace"
    return None


def identifier_code_problem(code: str) -> str | None:
    """Field, aggregation and currency codes: identifiers usable in calculations."""
    if not 1 <= len(code) <= MAX_CODE:
        return f"must be 1–{MAX_CODE} characters"
    if not IDENTIFIER.fullmatch(code):
        return "must start with a letter, _ or $ and contain only letters, digits, _ and $"
    return None


def name_problem(name: str) -> str | None:
    if not 1 <= len(name) <= MAX_NAME:
        return f"must be 1–{MAX_NAME} characters"
    if CONTROL_CHARS.search(name):
        return "must not contain control characters"
    return None


def description_problem(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_DESCRIPTION:
        return f"must be at most {MAX_DESCRIPTION} characters"
    return None


def custom_fields_problem(fields: object) -> str | None:
    """A map of name → string or number, at most 100 entries."""
    if not isinstance(fields, Mapping):
        return "must be an object of name → string or number"
    if len(fields) > MAX_CUSTOM_FIELDS:
        return f"must have at most {MAX_CUSTOM_FIELDS} entries"
    for key, value in fields.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_NAME:
            return f"names must be 1–{MAX_NAME} characters"
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            return f"'{key}' must be a string or a number"
        # Bounded like every number we take (a 4,000-digit integer or 1e308 was stored).
        if not isinstance(value, str) and (problem := decimal_problem(_as_decimal(value))):
            return f"'{key}' {problem}"
    return None


def _as_decimal(number: int | float | Decimal) -> Decimal:
    # A float by its shortest repr (0.1, not 0.1000000000000000055…), as JSON wrote it.
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
