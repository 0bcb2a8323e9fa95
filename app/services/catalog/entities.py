"""What every catalog entity shares: code uniqueness, refusing deletes while others
depend on it (naming them), versioned deletes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.services import events
from app.services.errors import ErrorCode, fail
from app.services.versioning import get_owned, refuse_stale


async def taken_codes(
    model: type[Model], organization_id: uuid.UUID, codes: Iterable[str], exclude_id: uuid.UUID | None = None
) -> set[str]:
    """Which of `codes` already exist for this entity kind in the organization (one query)."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return set()
    query = model.filter(organization_id=organization_id, code__in=wanted)
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    return set(cast("list[str]", await query.values_list("code", flat=True)))


@dataclass(frozen=True)
class Dependants:
    """Rows of `model` matching `filters` depend on the entity; `label` names them."""

    label: str
    model: type[Model]
    filters: dict[str, Any]


async def refuse_if_in_use(
    organization_id: uuid.UUID, checks: Sequence[Dependants], path: tuple[str, ...] = ("input", "id")
) -> None:
    named: list[str] = []
    for check in checks:
        rows = (
            await check.model.filter(organization_id=organization_id, **check.filters)
            .limit(6)
            .values("id", *(("code",) if "code" in check.model._meta.fields else ()))
        )
        if rows:
            names = [str(r.get("code") or r["id"]) for r in rows[:5]]
            more = "…" if len(rows) > 5 else ""
            named.append(f"{check.label} {', '.join(names)}{more}")
    if named:
        raise fail(path, ErrorCode.IN_USE, "in use by " + "; ".join(named))


async def delete_versioned(
    model: type[Model], organization_id: uuid.UUID, id_: uuid.UUID, version: int, dependants: Sequence[Dependants] = ()
) -> None:
    """Delete the entity at `version` (else CONFLICT, or IN_USE while others depend on it)
    and record its `.deleted` event in the same transaction."""
    entity: Any = await get_owned(model, organization_id, id_)
    refuse_stale(entity, version)
    await refuse_if_in_use(organization_id, dependants)
    async with in_transaction():
        deleted = await model.filter(organization_id=organization_id, id=id_, version=version).delete()
        if not deleted:
            raise fail(("input", "version"), ErrorCode.CONFLICT, "changed while being deleted; read it again")
        await events.deleted(entity)
