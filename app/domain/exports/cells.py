"""One value as export text: CSV cells and JSON values (SEMANTICS §15.1).

Numbers are `Decimal` or `int` and are never guarded; text is `str`. Anything else
(dates, instants, ids, booleans, maps) has one fixed spelling that cannot start a formula.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

# SEMANTICS §15.1 names =, + , - and @; tab and carriage return start formulas in
# spreadsheets too (OWASP, "CSV Injection"), and a line feed is guarded with them: a cell
# of customer text never opens as a formula, whatever its first character.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_QUOTE_WHEN = re.compile('[",\r\n]')


def plain_decimal(value: Decimal) -> str:
    """Exact digits, no exponent, no separators; negative zero is zero."""
    if not value.is_finite():
        raise ValueError(f"cannot export the non-finite number {value}")
    if value.is_zero() and value.is_signed():
        value = -value
    return format(value, "f")


def instant(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"instant {value.isoformat()} must be timezone-aware")
    if offset:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat() + "Z"


def json_value(value: Any) -> Any:
    """`value` with every Decimal, instant, date and id as its export string; maps and
    lists converted item by item; str, int, bool and None as they are."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    raise TypeError(f"cannot export a {type(value).__name__}")


def json_text(value: Any) -> str:
    return json.dumps(json_value(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_line(record: dict[str, Any]) -> str:
    """One JSON Lines record: compact JSON, UTF-8 as is, `\\n`-terminated."""
    return json_text(record) + "\n"


def cell_text(value: Any) -> str:
    """The text of a CSV cell before quoting; the formula guard applies to `str` only."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        text: str = value
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    if kind is Decimal:
        return plain_decimal(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        # Structured cells (a segment, pricing bands) are JSON, which starts with { or [.
        return json_text(value)
    if isinstance(value, str):  # a str subclass (an enum value): its text, not str() of
        # a (str, Enum) member, which is "Class.MEMBER" since Python 3.11
        return cell_text(str.__str__(value))
    text = json_value(value)
    assert isinstance(text, str)
    return text


def csv_cell(value: Any) -> str:
    """A CSV cell: quoted (quotes doubled) when it holds a quote, comma, CR or LF."""
    text = cell_text(value)
    if _QUOTE_WHEN.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text
