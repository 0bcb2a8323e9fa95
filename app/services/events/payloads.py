"""Event payloads: an entity as the API shows it (SEMANTICS §14.1).

camelCase field names, decimals as strings, instants as ISO-8601 with `Z`, dates as ISO
dates, ids as strings. Columns that hold secrets (password and token hashes, API or webhook
secrets) are never copied, whatever the model: a column whose name mentions a secret is
dropped by name, so a future model cannot leak one by forgetting a list.
"""

from __future__ import annotations

import enum
import functools
import re
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from tortoise.models import Model

_SECRET = re.compile(r"password|secret|token|hash|encrypted|signing_key|private_key")

# Columns an API reader never sees on any entity.
_NEVER = frozenset({"organization_id"})


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def is_secret_column(name: str) -> bool:
    return bool(_SECRET.search(name))


def api_value(value: Any) -> Any:
    """A column value in the form the API (and JSON) shows it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return api_value(value.value)
    if isinstance(value, dict):
        return {str(k): api_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [api_value(v) for v in value]
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None  # raw bodies are not part of an entity's API form
    return str(value)


def entity_snapshot(instance: Model, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The stored columns of `instance` as the API shows them, secrets left out.

    Call it after the write (for `new`) or before it (for `old`); it reads only the
    instance, never the database."""
    return {key: api_value(getattr(instance, name, None)) for name, key in _shown_fields(type(instance), exclude)}


@functools.cache
def _shown_fields(model: type[Model], exclude: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(field, API key) of the columns a snapshot shows, in model order: worked out once
    per model, since every write of it takes one or two snapshots."""
    return tuple(
        (name, camel(name))
        for name, field in model._meta.fields_map.items()
        if field.has_db_field and name not in _NEVER and name not in exclude and not is_secret_column(name)
    )


def created(new: dict[str, Any]) -> dict[str, Any]:
    return {"new": new}


def updated(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {"old": old, "new": new}


def deleted(old: dict[str, Any]) -> dict[str, Any]:
    return {"old": old}
