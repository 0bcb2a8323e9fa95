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


def refuse_stale(entity: Any, expected_version: int, path: tuple[str, ...] = ("input", "version")) -> None:
    """CONFLICT at `path` unless `entity` (as just read) is at the version the caller read."""
    if entity.version != expected_version:
        raise fail(
            path,
            ErrorCode.CONFLICT,
            f"version {expected_version} is stale; the current version is {entity.version}",
        )


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
    async with in_transaction() as connection:
        # The lock that checks the version also reads the row's API form (the event's `old`);
        # locked, it stays the row the UPDATE replaces. The read-back records the event.
        old = await events.lock_versioned(connection, model, organization_id, id_, expected_version)
        updated = 0
        if old is not None:
            updated = (
                await model.filter(organization_id=organization_id, id=id_, version=expected_version)
                .using_db(connection)
                .update(
                    **changes,
                    version=expected_version + 1,
                    last_modified_by=actor,
                    dt_last_modified=datetime.now(UTC),
                )
            )
        if updated == 0:
            current = await model.filter(organization_id=organization_id, id=id_).using_db(connection).first()
            if current is None:
                raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no {model.__name__} with id {id_}")
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {expected_version} is stale; the current version is {cast(Any, current).version}",
            )
        after = await events.reread_updated(connection, model, organization_id, id_, old)
    return after
