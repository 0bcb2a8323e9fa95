"""Ids as clients send them: a UUID in any spelling Python accepts, or nothing usable."""

from __future__ import annotations

import uuid
from typing import Any


def as_uuid(value: Any) -> uuid.UUID | None:
    """The UUID in `value`; None when it is absent or malformed (callers decide whether
    that is NOT_FOUND, INVALID or simply "finds nothing")."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
