"""Per-request context: who is calling and the request's DataLoaders.

HTTP requests authenticate from the `Authorization` header; websocket connections from
the `connection_init` payload (see `app.graphql.view`). A bad token is remembered rather
than raised here, so that fields which need no authentication (login) still work and the
others fail with UNAUTHENTICATED.

The context also carries the process's Redis client (`redis`, progress pub/sub) and its
arq client (`queue`, to enqueue jobs), so that resolvers never reach into the ASGI app;
either is None in a process that has none (the services then say so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from app.services.errors import AuthError
from app.services.principals import Principal


@dataclass
class Context:
    request: Any
    response: Any
    principal: Principal | None = None
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    loaders: dict[str, Any] = field(default_factory=dict)
    redis: Any = None  # redis.asyncio client of this process
    queue: Any = None  # arq client (ArqRedis) of this process

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise AuthError(self.auth_error or "authentication required")
        return self.principal

    @property
    def organization_id(self):  # noqa: ANN201 - uuid.UUID
        """The caller's organization: every query is scoped to it."""
        return self.require_principal().organization_id

    def loader(self, name: str, factory):  # noqa: ANN001 - a DataLoader factory
        """The request's DataLoader `name`, created on first use so that every resolver
        of one request shares its batch and cache."""
        if name not in self.loaders:
            self.loaders[name] = factory(self.require_principal().organization_id)
        return self.loaders[name]


Info = StrawberryInfo[Context, None]
