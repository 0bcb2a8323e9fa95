"""Per-request DataLoaders keyed by foreign key: a nested list costs one SQL statement per
level of the query, whatever the number of parents."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

LoaderFactory = Callable[[uuid.UUID], DataLoader]


def children_by(model: type[Model], foreign_key: str, order_by: tuple[str, ...] = ("dt_created", "id")) -> tuple[str, LoaderFactory]:
    """(name, factory) of a loader: parent id → list of `model` rows whose `foreign_key` is it."""

    def factory(organization_id: uuid.UUID) -> DataLoader:
        async def load(keys: list[Any]) -> list[list[Model]]:
            rows = await model.filter(organization_id=organization_id, **{f"{foreign_key}__in": keys}).order_by(*order_by)
            grouped: dict[Any, list[Model]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, foreign_key)].append(row)
            return [grouped.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    # The order is part of the name: two lists of the same rows in different orders must
    # not share one request's loader.
    return f"{model.__name__}.{foreign_key}[{','.join(order_by)}]", factory


def one_by_id(model: type[Model]) -> tuple[str, LoaderFactory]:
    """(name, factory) of a loader: id → the row (or None) in the caller's organization."""

    def factory(organization_id: uuid.UUID) -> DataLoader:
        async def load(keys: list[Any]) -> list[Model | None]:
            rows = await model.filter(organization_id=organization_id, id__in=keys)
            by_id = {row.id: row for row in rows}
            return [by_id.get(key) for key in keys]

        return DataLoader(load_fn=load)

    return f"{model.__name__}.id", factory


async def load(info: Any, spec: tuple[str, LoaderFactory], key: Any) -> Any:
    name, factory = spec
    return await info.context.loader(name, factory).load(key)
