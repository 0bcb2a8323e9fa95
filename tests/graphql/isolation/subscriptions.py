"""Running a subscription in the test process.

Subscriptions are served over websockets; over HTTP POST the application does not run a
subscription resolver at all (strawberry executes the operation like a query, the
subscription field resolves to null and its authorization extension never runs), so
neither FORBIDDEN nor isolation can be observed there. `subscribe_first` executes the
operation exactly as both websocket protocols do, through the schema's `subscribe`, with
the caller authenticated from a bearer token as `connection_init` would.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from app.graphql.context import Context
from app.graphql.schema import schema
from app.services.principals import principal_from_token


async def subscribe_first(app: Any, token: str, query: str, variables: dict | None = None) -> dict:
    """The first event of the subscription as a JSON-like result: `data` and `errors`
    ([{message, extensions}]). The "request" only lends the app (its Redis)."""
    context = Context(request=SimpleNamespace(app=app), response=None, redis=app.state.redis)
    context.principal = await principal_from_token(token)
    stream = await schema.subscribe(query, variable_values=variables or {}, context_value=context)
    try:
        event = await stream.__anext__()
    finally:
        await stream.aclose()
    errors = [{"message": e.message, "extensions": e.extensions} for e in event.errors or []]
    return {"data": event.data, **({"errors": errors} if errors else {})}
