"""Optimistic concurrency (SEMANTICS §1): an update names the version it read.

The version check and the write are one UPDATE statement, so two concurrent writers can
never both succeed with the same version.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.services import events
from app.services.errors import ErrorCode, fail

M = TypeVar("M", bound=Model)


async def get_owned(model: type[M], organization_id: uuid.UUID, id_: uuid.UUID | str, path: str = "id") -> M:
    """The entity with this id in this organization, or NOT_FOUND (never another tenant's)."""
    entity = await model.filter(organization_id=organization_id, id=id_).first()
    if entity is None:
        raise fail(("input", path), ErrorCode.NOT_FOUND, f"no {model.__name__} with id {id_}")
    return entity


async def update_versioned(
    model: type[M],
    organization_id: uuid.UUID,
    id_: uuid.UUID,
    expected_version: int,
    changes: dict[str, Any],
    actor: str,
) -> M:
    """Apply `changes` if the row is still at `expected_version`; else CONFLICT. The row
    before and after goes into its `.updated` event, in the same transaction."""
    async with in_transaction():
        # Locking the row read for the event's `old` keeps it the row the UPDATE replaces.
        before = (
            await model.filter(organization_id=organization_id, id=id_, version=expected_version)
            .select_for_update()
            .first()
        )
        updated = 0
        if before is not None:
            updated = await model.filter(organization_id=organization_id, id=id_, version=expected_version).update(
                **changes,
                version=expected_version + 1,
                last_modified_by=actor,
                dt_last_modified=datetime.now(UTC),
            )
        if updated == 0:
            current = await model.filter(organization_id=organization_id, id=id_).first()
            if current is None:
                raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no {model.__name__} with id {id_}")
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {expected_version} is stale; the current version is {cast(Any, current).version}",
            )
        after = await model.get(organization_id=organization_id, id=id_)
        await events.updated(events.snapshot(cast(Model, before)), after)
    return after
