"""`GET /healthz`: is the database reachable, is Redis reachable (CONTRACT §2)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

CHECK_TIMEOUT = 2.0


async def _database_ok() -> bool:
    try:
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), CHECK_TIMEOUT)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        return False


async def _redis_ok(request: Request) -> bool:
    try:
        return bool(await asyncio.wait_for(request.app.state.redis.ping(), CHECK_TIMEOUT))
    except Exception:  # noqa: BLE001
        return False


async def healthz(request: Request) -> JSONResponse:
    database, redis = await asyncio.gather(_database_ok(), _redis_ok(request))
    body = {
        "status": "ok" if database and redis else "error",
        "database": "ok" if database else "unavailable",
        "redis": "ok" if redis else "unavailable",
    }
    if database and redis:
        return JSONResponse(body)
    # Every error on a plain route carries a `message` (CONTRACT §2): a monitor that shows
    # only that still says which part is down.
    failing = " and ".join(name for name, ok in (("the database", database), ("Redis", redis)) if not ok)
    return JSONResponse({**body, "message": f"{failing} cannot be reached"}, status_code=503)
