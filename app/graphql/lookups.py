"""Finding what a resolver names: the one home of lookups shared by every domain's resolvers.

- `input_item(name)`: the `input.<name>` argument of a mutation, for `authorize(...)`'s
  resource id.
- `by_id_or_code(query, id, code)`: the row a root query asks for by id and/or code.
- `one_with_prefetch(model, info, id, code)`: the same in the caller's organization, with
  what the query asks below it loaded ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.domain.ids import as_uuid
from app.graphql.context import Info
from app.graphql.prefetch import lookahead


def input_item(name: str = "id") -> Callable[[dict[str, Any]], Any]:
    """The resolver-arguments reader of `input.<name>` (a python name, e.g. `account_plan_id`)."""
    return lambda args: getattr(args["input"], name)


async def by_id_or_code(query: QuerySet, id: Any, code: str | None) -> Any:
    """The first row of `query` with that id and/or code; none when neither is given or
    the id is malformed (a query finds nothing rather than refusing)."""
    if id is None and code is None:
        return None
    if id is not None:
        if (parsed := as_uuid(id)) is None:
            return None
        query = query.filter(id=parsed)
    return await (query.filter(code=code) if code is not None else query).first()


async def one_with_prefetch(model: type[Model], info: Info, id: Any, code: str | None) -> Any:
    """By id and/or code in the caller's organization, with what the query asks below it
    loaded ahead."""
    found = await by_id_or_code(model.filter(organization_id=info.context.organization_id), id, code)
    if found is not None:
        await lookahead.prefetch_rows(info, model, [found])
    return found
