"""Rate limits of GraphQL operations (CONTRACT §5): one per query, mutation or subscription,
per organization and per access key, over HTTP and websockets alike.

A schema extension, so that every transport passes through it: it runs when an operation
is about to execute (after parsing and validation, which are cached and cheap), and a
refusal is a top-level error `RATE_LIMITED` with `extensions.retryAfter`; over HTTP the
response also carries a `Retry-After` header. Operations without a principal (login,
accepting an invitation) are not counted here: their guesses have their own throttle.
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
                if isinstance(connection, Request):  # a websocket has no response headers to add
                    _retry_after_header(context, exc.retry_after)
                raise
        yield


def _retry_after_header(context: Any, seconds: int) -> None:
    headers = getattr(getattr(context, "response", None), "headers", None)
    if headers is not None:
        headers["Retry-After"] = str(seconds)
