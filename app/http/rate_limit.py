"""Rate limits on plain routes and GraphQL requests: the caller's address, the limiter of
the application, and the 429 answer (CONTRACT §5)."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from app.services import rate_limits


def client_address(connection: HTTPConnection) -> str | None:
    """The peer's address. Behind a proxy, run uvicorn with `--forwarded-allow-ips` so that
    this is the client's address from `X-Forwarded-For`, and never trust that header here."""
    return connection.client.host if connection.client else None


def limiter_of(connection: HTTPConnection) -> rate_limits.Limiter | None:
    """The limiter over the application's Redis; None before the lifespan opened it."""
    redis = getattr(connection.app.state, "redis", None)
    return rate_limits.limiter(redis) if redis is not None else None


def too_many_requests(exc: rate_limits.RateLimited) -> JSONResponse:
    return JSONResponse({"message": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)})
