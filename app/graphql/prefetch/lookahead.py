"""Lookahead loading of nested catalog relations, one SQL statement per level.

A root resolver (`products`, `meters`, `planTemplate`, ...) reads the query's selection
below it (`nodes` / `edges { node }`, fragments, aliases, @skip / @include) and loads each
relation it names for ALL the parent rows of a level in one statement, into the request's
loaders (`app.graphql.loaders`). The nested resolvers, which are sync and use `load_then`,
then find their rows without awaiting: on a 20-product catalog that removes thousands of
coroutines, futures and asynchronous completions from the request. A field reached another
way (a mutation payload, an account's plan) finds nothing ahead and falls back to the
batched loader, so it stays free of N+1 queries either way.

Only the rows a page shows are walked further (the `first` / `after` of each alias), and a
parent relation whose row the walk already read (a pricing's aggregation under a meter's
aggregations, a plan's template) costs no statement. Where the synchronous completion
would grow too deep, a connection hands its rows over through a coroutine (`depth`).

Each type module declares its relations next to the resolvers that read them, with
`children(...)` and `parent(...)`; this module knows no catalog type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from strawberry.types.nodes import SelectedField, Selection
from tortoise.models import Model

from app.graphql.errors import BadRequest
from app.graphql.loaders import LoaderSpec, loader
from app.graphql.pagination import decode_cursor, page_size
from app.graphql.prefetch import depth, selection
from app.graphql.prefetch.depth import Depth

# A model instance (root rows) or a loader's `Row`: only attributes are read.
AnyRow = Any


@dataclass(frozen=True)
class Relation:
    spec: LoaderSpec  # the request loader the rows land in
    model: type[Model]  # the rows it yields
    key: Callable[[AnyRow], Any]  # the loader key of a parent row
    many: bool  # a connection (rows under nodes / edges.node), else one row or None


# (parent model, GraphQL field name) → the relation the field reads.
_RELATIONS: dict[tuple[type[Model], str], Relation] = {}
# Models some `parent` relation reads: the only rows a walk needs to remember by id.
_PARENTS: set[type[Model]] = set()


def children(parent: type[Model], field: str, spec: LoaderSpec, model: type[Model]) -> None:
    """Declares `parent.field`: the connection of `model` rows that `spec` loads by parent id."""
    _RELATIONS[(parent, field)] = Relation(spec, model, attrgetter("id"), many=True)


def parent(owner: type[Model], fields: Iterable[str], spec: LoaderSpec, model: type[Model], attribute: str) -> None:
    """Declares fields of `owner` that read the `model` row whose id is `owner.attribute`."""
    relation = Relation(spec, model, attrgetter(attribute), many=False)
    _PARENTS.add(model)
    for field in fields:
        _RELATIONS[(owner, field)] = relation


async def prefetch_page(info: Any, model: type[Model], rows: list[AnyRow]) -> None:
    """Loads ahead what the selection of a root connection of `model` rows asks for."""
    below = _below(info)
    await _Walk(info).level(model, rows, selection.node_selections(below), depth.root(selection.node_offsets(below)))


def page_prefetcher(info: Any, model: type[Model]) -> Callable[[list[AnyRow]], Awaitable[None]]:
    """`paginate`'s `prefetch` hook for a root connection of `model` rows."""
    return lambda rows: prefetch_page(info, model, rows)


async def prefetch_rows(info: Any, model: type[Model], rows: list[AnyRow]) -> None:
    """Loads ahead what the selection of a root field returning `model` rows asks for."""
    await _Walk(info).level(model, rows, _below(info), depth.root(None))


def _below(info: Any) -> list[Selection]:
    """The selection under the resolver's own field (`selected_fields` is that field)."""
    return [s for field in selection.fields(info.selected_fields) for s in field.selections]


class _Walk:
    """One depth-first walk of a root field's selection, one loader batch per relation."""

    def __init__(self, info: Any) -> None:
        self.info = info
        # Every row read in this walk of a model a parent relation reads, by model and id:
        # the row a pricing's aggregation or a plan's template points to is often among
        # them and then costs no query.
        self.seen: dict[type[Model], dict[Any, AnyRow]] = defaultdict(dict)

    async def level(self, model: type[Model], rows: list[AnyRow], selections: list[Selection], at: Depth) -> None:
        if model in _PARENTS:
            self.seen[model].update((row.id, row) for row in rows)
        for name, fields in selection.by_name(selections).items():
            relation = _RELATIONS.get((model, name))
            if relation is not None and rows:
                await self._relation(relation, rows, fields, at)

    async def _relation(self, relation: Relation, rows: list[AnyRow], fields: list[SelectedField], at: Depth) -> None:
        """Loads `relation` for all `rows` (the `fields` are its aliases) and walks on below."""
        request_loader = loader(self.info, relation.spec)
        loaded = await self._load(relation, request_loader, rows)
        selected = [s for field in fields for s in field.selections]
        if relation.many:
            handed_over = at.needs_handover(fields)
            if handed_over:
                request_loader.yield_at.update(at.field())
            below_at = at.under(selection.node_offsets(selected), handed_over)
            below, selected = _pages(rows, loaded, fields), selection.node_selections(selected)
        else:
            below_at = at.under(None, handed_over=False)
            below = [row for row in loaded.values() if row is not None]
        if below and selected:
            await self.level(relation.model, below, selected, below_at)

    async def _load(self, relation: Relation, request_loader: Any, rows: list[AnyRow]) -> dict[Any, Any]:
        keys = [key for key in dict.fromkeys(map(relation.key, rows)) if key is not None]
        if not relation.many:
            known = self.seen[relation.model]
            request_loader.remember({key: known[key] for key in keys if key in known})
        loaded = await request_loader.load_ahead(keys)
        if relation.many and relation.model in _PARENTS:
            self.seen[relation.model].update((row.id, row) for group in loaded.values() for row in group)
        return loaded


def _pages(parents: list[AnyRow], loaded: dict[Any, list[AnyRow]], fields: list[SelectedField]) -> list[AnyRow]:
    """The child rows the connections will show: each parent's page, for each alias."""
    if len(fields) == 1:
        # One alias: the parents are distinct and each child row has one parent, so no
        # child is met twice.
        window = _window(fields[0].arguments)
        if window is None:
            return []
        start, stop = window
        return [child for row in parents for child in loaded[row.id][start:stop]]
    pages: dict[Any, AnyRow] = {}
    for field in fields:
        window = _window(field.arguments)
        if window is None:
            continue  # the resolver reports the bad argument
        start, stop = window
        for row in parents:
            pages.update((child.id, child) for child in loaded[row.id][start:stop])
    return list(pages.values())


def _window(arguments: dict[str, Any]) -> tuple[int, int] | None:
    try:
        first = arguments.get("first")
        # A literal argument arrives as its source text, a variable as its value.
        size = page_size(None if first is None else int(first))
        start = decode_cursor(arguments.get("after"))
    except (BadRequest, TypeError, ValueError):
        return None
    return start, start + size
