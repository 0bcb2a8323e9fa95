"""Relay-style connections for every list (CONTRACT §3): `first` ≤ 100 (default 20),
`after`, `nodes`, `edges`, `pageInfo`, `totalCount`.

Cursors are opaque offsets into a stable order (the queryset's ordering with `id` as the
tie-breaker). `totalCount` is only counted when a client asks for it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.errors import BadRequest

T = TypeVar("T")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item of this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of this page.")


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item; pass as `after`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(description="The items of this page.")
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    _count: strawberry.Private[Callable[[], Any]]

    @strawberry.field(description="Number of items in the whole list (all pages).")
    async def total_count(self) -> int:
        return await self._count()


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
        if kind != "o" or offset < 0:
            raise ValueError
        return offset + 1
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"invalid cursor {cursor!r}") from exc


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise BadRequest(f"first must be between 0 and {MAX_PAGE}")
    return size


async def paginate(
    queryset: QuerySet,
    first: int | None,
    after: str | None,
    to_node: Callable[[Any], T],
    order_by: tuple[str, ...] = ("dt_created",),
) -> Connection[T]:
    size = page_size(first)
    start = decode_cursor(after)
    # One extra row tells whether another page follows without a second query.
    rows = await queryset.order_by(*order_by, "id").offset(start).limit(size + 1) if size else []
    page = rows[:size]
    edges = [Edge(cursor=encode_cursor(start + i), node=to_node(row)) for i, row in enumerate(page)]
    return Connection(
        nodes=[e.node for e in edges],
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
        ),
        _count=queryset.count,
    )


def connection_of_list(rows: list[Any], first: int | None, after: str | None, to_node: Callable[[Any], T]) -> Connection[T]:
    """A connection over rows already loaded (nested lists read through a DataLoader)."""
    size = page_size(first)
    start = decode_cursor(after)
    page = rows[start:start + size]
    edges = [Edge(cursor=encode_cursor(start + i), node=to_node(row)) for i, row in enumerate(page)]
    total = len(rows)

    async def count() -> int:
        return total

    return Connection(
        nodes=[e.node for e in edges],
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + size < total,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
        ),
        _count=count,
    )
