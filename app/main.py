"""The Starlette application: routes, lifespan (database and Redis), body limit, CORS."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from app import gc_tuning
from app.db import close_db, init_db
from app.graphql.schema import schema
from app.graphql.view import MetergraphGraphQL
from app.http.body_limit import JSONBodyLimit
from app.http.console import console_routes
from app.http.exports import export_routes
from app.http.graphiql import graphiql_routes
from app.http.health import healthz
from app.http.ingest import ingest_measurements
from app.http.oauth import token
from app.http.openapi import openapi_json
from app.http.statements import statement_routes
from app.settings import Settings, get_settings
from workers.settings import queue_client


async def _json_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"message": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Starlette 1.x has no startup/shutdown hooks: connections live in the lifespan.
        await init_db(settings.database_url)
        # Objects alive at startup (schema, modules) never die, and requests free what
        # they made when they end: app.gc_tuning (~25 ms off large nested queries' p90).
        thresholds = gc_tuning.tune_for_long_running()
        app.state.redis = aioredis.from_url(settings.redis_url)
        # Enqueues ingest jobs. It connects lazily: with Redis down the API still accepts
        # batches (they are durable) and the workers' sweep enqueues them later.
        app.state.arq = queue_client(settings.redis_url)
        try:
            yield
        finally:
            await app.state.arq.aclose(close_connection_pool=True)
            await app.state.redis.aclose()
            await close_db()
            gc_tuning.restore(thresholds)

    graphql = MetergraphGraphQL(schema, allowed_origins=settings.allowed_origins)
    # The router tries each route in turn: the busiest first (no other path overlaps them).
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/organizations/{orgId}/measurements", ingest_measurements, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/oauth/token", token, methods=["POST"]),
        *export_routes(),
        *statement_routes(),
        *graphiql_routes(),
        *console_routes(),
    ]
    middleware = []
    if settings.allowed_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.allowed_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    middleware.append(Middleware(JSONBodyLimit, max_body_size=settings.max_body_bytes))
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _json_http_error},
    )
