"""Per-request DataLoaders keyed by foreign key: a nested list costs one SQL statement per
level of the query, whatever the number of parents.

Loaders yield `Row`s (`app.graphql.prefetch.rows`), not model instances: the model's fields
as read-only attributes, converted when read (a fraction of the cost of a model instance).

A root resolver may also load a whole level ahead (`app.graphql.prefetch`): the rows land
in the same request loader, and nested resolvers built on `load_then` then answer without
awaiting anything. The fast path matters: an awaited resolver costs a coroutine, a future
and graphql-core's asynchronous completion, thousands of times in a catalog query.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from operator import attrgetter
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from app.graphql.prefetch.rows import Row, reader

T = TypeVar("T")
LoaderFactory = Callable[[uuid.UUID], DataLoader]
LoaderSpec = tuple[str, LoaderFactory]
MISSING: Any = object()


class RequestLoader(DataLoader):
    """A DataLoader whose values can also be loaded ahead and read synchronously."""

    def __init__(self, load_fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> None:
        super().__init__(load_fn=load_fn)
        # Values loaded ahead: a plain dict, no future per key (thousands per request).
        self.ready: dict[Any, Any] = {}
        # Lengths of the GraphQL paths at which `load_then` hands a value over through a
        # coroutine although it holds it (`app.graphql.prefetch.lookahead` sets them).
        self.yield_at: set[int] = set()

    def peek(self, key: Any) -> Any:
        """The value of `key` if this request already holds it, else MISSING."""
        value = self.ready.get(key, MISSING)
        if value is MISSING:
            future = self.cache_map.get(key)
            if future is not None and future.done() and not future.cancelled() and future.exception() is None:
                return future.result()
        return value

    def load(self, key: Any) -> Awaitable[Any]:
        value = self.ready.get(key, MISSING)
        if value is MISSING:
            return super().load(key)
        future = self.loop.create_future()
        future.set_result(value)
        return future

    def remember(self, values: dict[Any, Any]) -> None:
        """Hold values already read (e.g. rows loaded on another path)."""
        self.ready.update(values)

    async def load_ahead(self, keys: Iterable[Any]) -> dict[Any, Any]:
        """key → value for every key, in one batch for the keys not held yet."""
        wanted = dict.fromkeys(keys)
        missing = [key for key in wanted if self.peek(key) is MISSING]
        if missing:
            self.ready.update(zip(missing, await self.load_fn(missing), strict=True))
        return {key: self.peek(key) for key in wanted}


def children_by(model: type[Model], foreign_key: str, order_by: tuple[str, ...] = ("dt_created", "id")) -> LoaderSpec:
    """(name, factory) of a loader: parent id → list of `model` rows whose `foreign_key` is it."""

    parent_of = attrgetter(foreign_key)

    def factory(organization_id: uuid.UUID) -> RequestLoader:
        async def load(keys: list[Any]) -> list[list[Row]]:
            rows = await reader(model).where_in(organization_id, foreign_key, keys, order_by)
            grouped: dict[Any, list[Row]] = defaultdict(list)
            for row in rows:
                grouped[parent_of(row)].append(row)
            return [grouped.get(key, []) for key in keys]

        return RequestLoader(load)

    # The order is part of the name: two lists of the same rows in different orders must
    # not share one request's loader.
    return f"{model.__name__}.{foreign_key}[{','.join(order_by)}]", factory


def one_by_id(model: type[Model]) -> LoaderSpec:
    """(name, factory) of a loader: id → the row (or None) in the caller's organization."""

    def factory(organization_id: uuid.UUID) -> RequestLoader:
        async def load(keys: list[Any]) -> list[Row | None]:
            rows = await reader(model).where_in(organization_id, "id", keys)
            by_id = {row.id: row for row in rows}
            return [by_id.get(key) for key in keys]

        return RequestLoader(load)

    return f"{model.__name__}.id", factory


def loader(info: Any, spec: LoaderSpec) -> DataLoader:
    name, factory = spec
    return info.context.loader(name, factory)


async def load(info: Any, spec: LoaderSpec, key: Any) -> Any:
    return await loader(info, spec).load(key)


def load_then(info: Any, spec: LoaderSpec, key: Any, convert: Callable[[Any], T]) -> T | Awaitable[T]:
    """`convert(value of key)`: at once when the request holds the value (loaded ahead or
    earlier), else an awaitable of it, batched like `load`. For SYNC resolvers: graphql-core
    awaits an awaitable a sync resolver returns, and completes a plain value synchronously."""
    request_loader = loader(info, spec)
    # A value loaded ahead is a dict lookup away (`peek` first looks there too).
    ready = getattr(request_loader, "ready", None)
    value = ready.get(key, MISSING) if ready is not None else MISSING
    if value is MISSING:
        peek = getattr(request_loader, "peek", None)
        value = peek(key) if peek is not None else MISSING
    if value is MISSING:
        return _converted(request_loader.load(key), convert)
    if request_loader.yield_at and _path_length(info.path) in request_loader.yield_at:
        return _handed_over(convert(value))
    return convert(value)


async def _converted(pending: Awaitable[Any], convert: Callable[[Any], T]) -> T:
    return convert(await pending)


async def _handed_over(value: T) -> T:
    return value


def _path_length(path: Any) -> int:
    length = 0
    while path is not None:
        length += 1
        path = path.prev
    return length
