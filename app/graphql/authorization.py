"""Authorization of GraphQL fields: what a root field may do, and what any field may show.

Two checks, each in one place:

- **Root fields** carry `authorize(action, kind, item_of)` (a test fails if one does not).
  It runs before the resolver: no principal → UNAUTHENTICATED; not permitted → FORBIDDEN.
  When the arguments name the item(s) acted on, each item is checked
  (`kind/item/<id>`), so a DENY on one item holds; otherwise the collection
  (`kind/item/*`) is. A root read of ONE entity named by code only needs that some item
  of the kind could be allowed: the item itself is checked once found (below).
- **Every field that yields entities**, wherever it sits (root, nested edge, mutation
  payload, subscription event), is guarded by `app.graphql.reads`, installed on the
  assembled schema: a new field cannot forget it.

Over websockets the principal is re-read when each operation starts (`app.graphql.view`)
and a running subscription re-checks it between events and every `RECHECK_SECONDS`: an
expired token, a deactivated key or a detached policy stops it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from strawberry.extensions import FieldExtension

from app.auth.permissions.permission_set import PermissionSet
from app.auth.permissions.statements import Effect, Statement
from app.services.errors import PermissionDenied

ItemOf = Callable[[dict[str, Any]], Any]
AlsoOf = Callable[[dict[str, Any]], Iterable[tuple[str, Any]]]
# How often a running subscription re-checks its caller when no event comes (the principal
# cache adds up to 30 s more for changes made in another process: within SEMANTICS' 60 s).
RECHECK_SECONDS = 5.0


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


def _is_id(item: Any) -> bool:
    try:
        uuid.UUID(str(item))
    except ValueError:
        return False
    return True


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None]
    return [value]


class Authorize(FieldExtension):
    """The declared permission of a root field.

    `item_of(args)` names the item or items acted on (an id or a list of ids of `kind`);
    `also(args)` names further `(kind, id)` items the same action needs (the principal a
    policy is attached to). `single_read` is set when the schema is assembled for root
    reads returning one entity (`app.graphql.reads.install`)."""

    def __init__(self, action: str, kind: str, item_of: ItemOf | None = None, also: AlsoOf | None = None):
        self.action = action
        self.kind = kind
        self.item_of = item_of
        self.also = also
        self.single_read = False

    def resources(self, kwargs: dict[str, Any]) -> list[str]:
        items = _items(self.item_of(kwargs)) if self.item_of else []
        if self.single_read:
            # A malformed id names nothing: the resolver answers null (or BAD_USER_INPUT).
            items = [item for item in items if _is_id(item)]
        named = [resource_name(self.action, self.kind, item) for item in items]
        if self.also is not None:  # a malformed id names nothing: the resolver refuses it
            named += [resource_name(self.action, kind, item) for kind, item in self.also(kwargs) if _is_id(item)]
        return named

    def check(self, info: Any, kwargs: dict[str, Any]) -> None:
        principal = info.context.require_principal()
        named = self.resources(kwargs)
        for resource in named:
            if not principal.can(self.action, resource):
                raise PermissionDenied(f"not permitted: {self.action} on {resource}")
        if named and (self.single_read or self.item_of is not None):
            return
        collection = resource_name(self.action, self.kind)
        allowed = principal.permissions.allows_some if self.single_read else principal.can
        if not allowed(self.action, collection):
            raise PermissionDenied(f"not permitted: {self.action} on {collection}")

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info, kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info, kwargs)
        result = await next_(source, info, **kwargs)
        if hasattr(result, "__anext__"):  # a subscription's event stream
            return _rechecked(result, lambda: self.check(info, kwargs), info.context)
        return result


async def _rechecked(stream: AsyncIterator[Any], check: Callable[[], None], context: Any) -> AsyncIterator[Any]:
    """`stream`, re-checking the caller before each event and every RECHECK_SECONDS; a
    refusal (AuthError, PermissionDenied) ends the subscription with that error."""
    pending: asyncio.Future | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(stream.__anext__())
            done, _ = await asyncio.wait({pending}, timeout=RECHECK_SECONDS)
            await _reauthenticate(context)
            check()
            if not done:
                continue
            finished, pending = pending, None
            try:
                event = finished.result()
            except StopAsyncIteration:
                return
            yield event
    finally:
        if pending is not None:
            pending.cancel()
            await asyncio.wait({pending})  # the stream must be idle before it is closed
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


async def _reauthenticate(context: Any) -> None:
    refresh = getattr(context, "reauthenticate", None)
    if refresh is not None:  # a websocket connection: its token may have expired since
        await refresh()


def authorize(
    action: str, kind: str, item_of: ItemOf | None = None, also: AlsoOf | None = None
) -> list[FieldExtension]:
    return [Authorize(action, kind, item_of, also)]


def denials(principal: Any, action: str) -> Callable[[str], bool] | None:
    """Whether a DENY of `principal` names a resource for `action`, whatever it allows;
    None when it holds no DENY at all. For reads whose own permission admits them but
    that show an item of another kind (an event's entity, a preview's account): there
    only a DENY naming that item refuses, no ALLOW on it is needed."""
    statements = principal.permissions.statements
    if not any(statement.effect is Effect.DENY for statement in statements):
        return None
    allowed_but_denials = PermissionSet([*statements, Statement(Effect.ALLOW, (action,), ("*",))])
    return lambda resource: not allowed_but_denials.allows(action, resource)


def refuse_if_denied(principal: Any, action: str, kind: str, item: Any) -> None:
    """A read computed for one item it does not return (a bill preview, a counter's value,
    for an account): a DENY naming that item holds there as on the item itself. A
    malformed id names nothing (the resolver refuses it)."""
    if item is None or not _is_id(item) or (denied := denials(principal, action)) is None:
        return
    resource = resource_name(action, kind, item)
    if denied(resource):
        raise PermissionDenied(f"not permitted: {action} on {resource}")


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
