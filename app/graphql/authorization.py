"""Authorization of GraphQL fields, declared next to each field and checked in one place.

Every root query, mutation and subscription field carries `authorize(action, kind)`; a
test fails if one does not. The check runs before the resolver: no principal →
UNAUTHENTICATED; principal without permission → FORBIDDEN. Resolvers then read the
organization from the principal, so every query is scoped to the caller's tenant.
"""

from __future__ import annotations

from collections.abc import Callable
import uuid
from typing import Any

from strawberry.extensions import FieldExtension

from app.services.errors import PermissionDenied

ItemOf = Callable[[dict[str, Any]], Any]


def resource_name(action: str, kind: str, item: Any = None) -> str:
    service = action.split(":", 1)[0]
    return f"{service}:{kind}/item/{_canonical(item) if item is not None else '*'}"


def _canonical(item: Any) -> str:
    # Ids reach services through uuid.UUID, which accepts several spellings (no hyphens,
    # upper case); a DENY written for the canonical spelling must catch them all.
    try:
        return str(uuid.UUID(str(item)))
    except ValueError:
        return str(item)


class Authorize(FieldExtension):
    def __init__(self, action: str, kind: str, item_of: ItemOf | None = None):
        self.action = action
        self.kind = kind
        self.item_of = item_of

    def check(self, info: Any, kwargs: dict[str, Any]) -> None:
        principal = info.context.require_principal()
        item = self.item_of(kwargs) if self.item_of else None
        resource = resource_name(self.action, self.kind, item)
        if not principal.can(self.action, resource):
            raise PermissionDenied(f"not permitted: {self.action} on {resource}")

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info, kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info, kwargs)
        return await next_(source, info, **kwargs)


def authorize(action: str, kind: str, item_of: ItemOf | None = None) -> list[FieldExtension]:
    return [Authorize(action, kind, item_of)]


class Authenticated(FieldExtension):
    """Any authenticated caller, whatever its policies (`me`: who am I)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        info.context.require_principal()
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        info.context.require_principal()
        return await next_(source, info, **kwargs)


AUTHENTICATED: list[FieldExtension] = [Authenticated()]


class Public(FieldExtension):
    """Marks a root field that needs no authentication (login, accepting an invitation)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        return await next_(source, info, **kwargs)


PUBLIC: list[FieldExtension] = [Public()]
