"""Relay-style connections for every list (CONTRACT §3): `first` ≤ 100 (default 20),
`after`, `nodes`, `edges`, `pageInfo`, `totalCount`.

Cursors are opaque offsets into a stable order (the queryset's ordering with `id` as the
tie-breaker). `totalCount` is only counted when a client asks for it.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from functools import lru_cache
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
    _count: strawberry.Private[Callable[[], Any] | int]  # the count, or how to get it

    @strawberry.field(description="Number of items in the whole list (all pages).")
    def total_count(self) -> int:
        # Sync: a count already known is completed at once; an awaitable one (a COUNT
        # query) is awaited by graphql-core like an async resolver's result.
        count = self._count
        return count if isinstance(count, int) else count()


class _Page(Connection[T]):
    """A Connection whose `edges` and `pageInfo` are built only if a client selects them:
    most select `nodes`, and a nested catalog query holds thousands of pages. (Not a
    strawberry type of its own: graphql-core reads its fields like a Connection's.)"""

    def __init__(self, nodes: list[T], start: int, has_next: bool, count: Callable[[], Any] | int) -> None:
        self.nodes = nodes
        self._count = count
        self._start = start
        self._has_next = has_next

    @property  # type: ignore[override]
    def edges(self) -> list[Edge[T]]:
        return [Edge(cursor=encode_cursor(self._start + i), node=node) for i, node in enumerate(self.nodes)]

    @property  # type: ignore[override]
    def page_info(self) -> PageInfo:
        start, nodes = self._start, self.nodes
        return PageInfo(
            has_next_page=self._has_next,
            end_cursor=encode_cursor(start + len(nodes) - 1) if nodes else None,
            has_previous_page=start > 0,
            start_cursor=encode_cursor(start) if nodes else None,
        )


@lru_cache(maxsize=4096)
def encode_cursor(offset: int) -> str:
    # Cached: every page of a nested list starts at the same few offsets.
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
    prefetch: Callable[[list[Any]], Awaitable[Any]] | None = None,
) -> Connection[T]:
    """A page of `queryset`; `prefetch` runs on the page's rows before their nodes are built
    (lookahead loading of what the query asks below them)."""
    size = page_size(first)
    start = decode_cursor(after)
    # One extra row tells whether another page follows without a second query.
    rows = await queryset.order_by(*order_by, "id").offset(start).limit(size + 1) if size else []
    page = rows[:size]
    if prefetch is not None and page:
        await prefetch(page)
    return _Page([to_node(row) for row in page], start, len(rows) > size, queryset.count)


def connection_of_list(
    rows: list[Any], first: int | None, after: str | None, to_node: Callable[[Any], T]
) -> Connection[T]:
    """A connection over rows already loaded (nested lists read through a DataLoader)."""
    size = page_size(first)
    start = decode_cursor(after)
    total = len(rows)
    return _Page([to_node(row) for row in rows[start : start + size]], start, start + size < total, total)
