"""The GraphQL endpoint: HTTP queries and mutations, both websocket protocols, GraphiQL.

The caller is authenticated here, once per request (HTTP), or from the `connection_init`
payload for a websocket connection, and carried in the context. A connection keeps its
credentials and re-reads its principal whenever an operation starts on it (the token may
have expired, the key been deactivated, a policy detached since); running subscriptions
re-check it too (`app.graphql.authorization`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import msgspec
from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ConnectionInitMessage, StartMessage
from strawberry.types.unset import UnsetType

from app.auth.tokens import bearer_token
from app.graphql.context import Context
from app.graphql.documents import parsed
from app.graphql.json_numbers import JsonNumber, encode_hook
from app.http.graphiql import graphiql_page
from app.services.errors import AuthError
from app.services.principals import principal_from_token


async def _authenticate(context: Context, authorization: str | None) -> None:
    token = bearer_token(authorization)
    if token is None:
        context.principal, context.auth_error = None, ("malformed Authorization header" if authorization else None)
        return
    try:
        context.principal = await principal_from_token(token)
        context.auth_error = None
    except AuthError as exc:
        context.principal, context.auth_error = None, str(exc)


def _clients(request: Any) -> dict[str, Any]:
    """The process's Redis and arq clients, opened by the app's lifespan (`app.main`); an
    app served without its lifespan has neither."""
    state = request.app.state
    return {"redis": getattr(state, "redis", None), "queue": getattr(state, "arq", None)}


@dataclass
class ConnectionContext(Context):
    """The context of one websocket connection, shared by all its operations."""

    authorization: str | None = None  # as sent in connection_init

    async def reauthenticate(self) -> None:
        """Read the principal again from the connection's credentials: an expired token or
        an inactive key leaves none (UNAUTHENTICATED); changed policies take effect."""
        if self.authorization is not None:
            await _authenticate(self, self.authorization)


class GraphQLTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """`graphql-transport-ws`, re-authenticating the connection as each operation starts."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and isinstance(self.context, ConnectionContext):
            await self.context.reauthenticate()
        await super().handle_subscribe(message)


class GraphQLWSHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy `graphql-ws` protocol, closing a rejected connection with 4403.

    Strawberry's handler answers a `ConnectionRejectionError` with `connection_error` and
    close code 1011 ("internal error"); `graphql-transport-ws` closes with 4403. A bad
    token must close with 4403 on both. This is strawberry 0.341.2's method with only
    the close code changed.
    """

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            await self.send_message({"type": "connection_error"})
            await self.websocket.close(code=1000, reason="")
            return
        self.context.connection_params = payload
        try:
            ack_payload = await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError as exc:
            await self.send_message({"type": "connection_error", "payload": exc.payload})
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        if isinstance(ack_payload, UnsetType) or ack_payload is None:
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": ack_payload})
        self.connection_acknowledged = True
        if self.keep_alive:
            self.keep_alive_task = asyncio.create_task(self.handle_keep_alive())

    async def handle_start(self, message: StartMessage) -> None:
        # Re-authenticated as each operation starts, like graphql-transport-ws above.
        if self.connection_acknowledged and isinstance(self.context, ConnectionContext):
            await self.context.reauthenticate()
        await super().handle_start(message)


class MetergraphGraphQL(GraphQL):
    graphql_ws_handler_class = GraphQLWSHandler
    graphql_transport_ws_handler_class = GraphQLTransportWSHandler

    def __init__(self, schema: Any, allowed_origins: tuple[str, ...] = ()) -> None:
        super().__init__(
            schema, graphql_ide="graphiql", allowed_origins=allowed_origins, keep_alive=True, keep_alive_interval=15
        )

    def encode_json(self, data: object) -> str | bytes:
        # msgspec writes a large response about ten times faster than `json.dumps` (a
        # quarter of a big catalog read's time went there), as UTF-8 rather than \u
        # escapes: the same JSON. Text, since websockets send what this returns as is (a
        # graphql-transport-ws message is a text frame). Anything it cannot write goes the
        # standard way.
        try:
            return _ENCODER.encode(data).decode()
        except (TypeError, OverflowError, msgspec.EncodeError):
            return super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        # JSON nested thousands deep exhausts `json.loads`' recursion: it is as unreadable
        # as malformed JSON (a 400, or a refused websocket message), not a server error.
        try:
            return json.loads(data, parse_float=JsonNumber)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", data if isinstance(data, str) else "", 0) from None

    async def parse_http_body(self, request: Any) -> Any:
        # The common request, a POST of one JSON operation, is read without strawberry's
        # general negotiation (the content type parsed as a MIME header, the streaming
        # transports looked up): about a tenth of a trivial query's CPU. Anything else, and
        # anything this path does not accept as is, goes strawberry's way, which answers it
        # (or refuses it with its 400) exactly as before.
        if (
            request.method == "POST"
            and (request.content_type or "").lower() in _PLAIN_JSON
            and not _STREAMING.search(request.headers.get("accept") or "")
        ):
            try:
                data = _DECODER.decode(await request.get_body())
            except (msgspec.DecodeError, RecursionError):
                data = None
            if isinstance(data, dict) and _plain_operation(data):
                return GraphQLRequestData(
                    query=data.get("query"),
                    variables=data.get("variables"),
                    operation_name=data.get("operationName"),
                    extensions=data.get("extensions"),
                )
        return await super().parse_http_body(request)

    async def get_context(self, request: Any, response: Any) -> Context:
        clients = _clients(request)
        if not isinstance(request, Request):  # a websocket: authenticated at connection_init
            return ConnectionContext(request=request, response=response, **clients)
        context = Context(request=request, response=response, **clients)
        await _authenticate(context, request.headers.get("authorization"))
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        authorization = authorization if isinstance(authorization, str) else None
        if isinstance(context, ConnectionContext):
            context.authorization = authorization
        await _authenticate(context, authorization)
        if context.auth_error:
            # A wrong token closes the socket (4403); no token leaves it open so that
            # subscriptions answer UNAUTHENTICATED like HTTP does.
            raise ConnectionRejectionError({"message": context.auth_error})
        return None

    async def execute_single(
        self, request: Any, request_adapter: Any, sub_response: Any, context: Any, root_value: Any, request_data: Any
    ) -> Any:
        # Over plain HTTP a subscription would run as a one-shot query, past the checks its
        # stream applies; subscriptions are served over the websocket protocols only.
        if _is_subscription(request_data.query, request_data.operation_name):
            raise HTTPException(
                400, "subscriptions are served over websockets (graphql-transport-ws or graphql-ws) at /graphql"
            )
        return await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page(graphql_path=request.url.path))


_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook)
# Numbers with a fraction keep their text (see json_numbers), as on strawberry's own path.
_DECODER = msgspec.json.Decoder(float_hook=JsonNumber)
_PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"})
_STREAMING = re.compile(r"multipart/mixed|text/event-stream", re.IGNORECASE)


def _plain_operation(data: dict[str, Any]) -> bool:
    """Whether a decoded body is one operation whose members have the types strawberry
    requires (a query string, variables and extensions objects, each may be null)."""
    return (
        isinstance(data.get("query"), str | None)
        and isinstance(data.get("variables"), dict | None)
        and isinstance(data.get("extensions"), dict | None)
        and isinstance(data.get("operationName"), str | None)
    )


@functools.lru_cache(maxsize=512)
def _operations(query: str) -> tuple[tuple[str | None, OperationType], ...]:
    try:
        document = parsed(query)  # the schema's own parse, cached
    except GraphQLError:
        return ()  # the schema reports the syntax error itself
    return tuple(
        (d.name.value if d.name else None, d.operation)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def _is_subscription(query: str | None, operation_name: str | None) -> bool:
    if not query:
        return False
    operations = _operations(query)
    chosen = [op for name, op in operations if operation_name is None or name == operation_name]
    return len(chosen) == 1 and chosen[0] == OperationType.SUBSCRIPTION
