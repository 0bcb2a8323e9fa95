"""Rate limits of GraphQL operations (CONTRACT §5): one per query, mutation or subscription,
per organization and per access key, over HTTP and websockets alike.

A schema extension, so that every transport passes through it: it runs when an operation
is about to execute (after parsing and validation, which are cached and cheap), and a
refusal is a top-level error `RATE_LIMITED` with `extensions.retryAfter`. Over HTTP the
response is also a 429 with a `Retry-After` header, like the plain routes': proxies, retry
middleware and load tools understand that, where a 200 would count a refusal as served.
Operations without a principal (login, accepting an invitation) are not counted here:
their guesses have their own throttle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from app.http.rate_limit import limiter_of
from app.services import rate_limits


class RateLimitOperations(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override] - strawberry takes async generators
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        connection = getattr(context, "request", None)
        limits = limiter_of(connection) if principal is not None and connection is not None else None
        if limits is not None:
            try:
                await rate_limits.check_graphql(limits, principal)
            except rate_limits.RateLimited as exc:
                if isinstance(connection, Request):  # a websocket has no status or headers to set
                    _too_many_requests(context.response, exc.retry_after)
                raise
        yield


def _too_many_requests(response: Any, seconds: int) -> None:
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
