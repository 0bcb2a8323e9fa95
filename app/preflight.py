"""Before a command starts: do the services its settings name answer?

A command started against a database or Redis that does not answer (a dead port, an
unknown host, a missing database, a wrong password) says so in one line naming the
service, its URL (password hidden) and where the URL came from (the variable, or the
services file of a `metergraph dev` that may have stopped), instead of a traceback from
deep inside a driver.
"""

from __future__ import annotations

import asyncio
import sys

from app.settings import Settings, redact_url

# Seconds a command waits for PostgreSQL or Redis to answer before it says it cannot reach them.
CONNECT_TIMEOUT = 5.0
# Settings.extra key: "<services file>:<variables filled from it>" (for messages).
PUBLISHED = "published_services"


def service_problems(settings: Settings, *, redis: bool = True) -> list[str]:
    """What does not answer among the services `settings` names, as sentences."""
    published_file, _, published = settings.extra.get(PUBLISHED, "").rpartition(":")
    checks = [("PostgreSQL", "DATABASE_URL", settings.database_url, database_problem)]
    if redis:
        checks.append(("Redis", "REDIS_URL", settings.redis_url, redis_problem))
    problems = []
    for service, variable, url, problem in checks:
        why = problem(url) if url else None
        if why is not None:
            source = (
                f"published by `metergraph dev` in {published_file}: is it still running?"
                if variable in published.split(",")
                else variable
            )
            problems.append(f"cannot reach {service} at {redact_url(url)} ({source}): {why.rstrip('.')}")
    return problems


def require_services(settings: Settings, command: str, *, redis: bool = True) -> None:
    problems = service_problems(settings, redis=redis)
    if problems:
        sys.exit("\n".join(f"metergraph {command}: {problem}" for problem in problems))


def database_problem(url: str) -> str | None:
    """None if PostgreSQL at `url` accepts a connection, else what went wrong."""
    import asyncpg

    from app.db import asyncpg_url

    async def probe() -> None:
        connection = await asyncpg.connect(asyncpg_url(url), timeout=CONNECT_TIMEOUT)
        await connection.close()

    try:
        asyncio.run(probe())
    except TimeoutError:
        return f"no answer within {CONNECT_TIMEOUT:.0f} s"
    except asyncpg.InvalidCatalogNameError as exc:
        return f"{exc} (create it first, e.g. `createdb`, or name another in the URL)"
    except Exception as exc:  # noqa: BLE001 - refused, unknown host, bad password: the message says which
        return str(exc) or type(exc).__name__
    return None


def redis_problem(url: str) -> str | None:
    """None if Redis at `url` answers PING, else what went wrong."""
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - refused, unknown host, auth: the message says which
        return str(exc) or type(exc).__name__
    return None
