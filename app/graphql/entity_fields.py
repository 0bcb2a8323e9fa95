"""Fields every versioned entity shows the same way, read from its stored row."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry


def optional_id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def versioned_fields(row: Any) -> dict[str, Any]:
    """id, version and the audit fields (SEMANTICS §1), as keyword arguments of a type."""
    return {
        "id": strawberry.ID(str(row.id)),
        "version": row.version,
        "dt_created": row.dt_created,
        "dt_last_modified": row.dt_last_modified,
        "created_by": row.created_by,
        "last_modified_by": row.last_modified_by,
    }
