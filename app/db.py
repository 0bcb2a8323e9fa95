"""Tortoise ORM configuration (also read by the migration tool) and connection lifecycle."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from app.settings import get_settings

MODEL_MODULES = [
    "app.models.organization",
    "app.models.access",
    "app.models.catalog",
    "app.models.accounts",
    "app.models.ingest",
    "app.models.billing",
    "app.models.exports",
    "app.models.counters",
    "app.models.balances",
    "app.models.charges",
    "app.models.plan_groups",
    "app.models.events",
    "app.models.webhooks",
    "app.models.memos",
    "app.models.statements",
]
APP_LABEL = "metergraph"


# A worker runs up to 10 jobs at once and the API serves many requests per process; the
# driver's default pool of 5 would make them queue for connections.
POOL_MAX_SIZE = 20


def tortoise_url(database_url: str) -> str:
    """Tortoise names the asyncpg backend `postgres://`; accept the usual spellings."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "asyncpg://"):
        if database_url.startswith(prefix):
            database_url = "postgres://" + database_url[len(prefix) :]
            break
    if "maxsize=" not in database_url:
        database_url += ("&" if "?" in database_url else "?") + f"maxsize={POOL_MAX_SIZE}"
    return database_url


def asyncpg_url(database_url: str) -> str:
    """The same database as a URL asyncpg itself accepts (for COPY and raw SQL paths)."""
    for prefix in ("postgres://", "postgresql+asyncpg://", "asyncpg://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix) :]
    return database_url


def tortoise_config(database_url: str | None = None, *, open_connections: int = 1) -> dict[str, Any]:
    """`open_connections`: how many connections the pool opens (and primes) when it starts;
    the rest it opens when first needed."""
    url = database_url or get_settings().database_url or "postgres://postgres@127.0.0.1:5432/metergraph"
    default = expand_db_url(tortoise_url(url))
    default["credentials"]["reset"] = keep_session
    default["credentials"]["init"] = prime_array_codecs
    default["credentials"].setdefault("minsize", open_connections)  # a `minsize=` in the URL wins
    return {
        "connections": {"default": default},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def keep_session(conn: asyncpg.Connection) -> None:
    """The pool's reset of a released connection: nothing beyond what asyncpg always does
    (roll back an open transaction, drop listener callbacks).

    asyncpg's default also sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release: one more round trip per acquire, about 100 µs of the API's
    CPU on a trivial request and a tenth of a bill job's statements. Nothing here leaves
    session state on a pooled connection, which is the rule that makes skipping it safe:
    settings are `SET LOCAL`, advisory locks are transaction-scoped (`pg_advisory_xact_lock`),
    cursors live inside transactions, and the webhook listener has a connection of its own
    (tests/test_pool_sessions.py checks the code keeps to it)."""


# The array types statements bind or read (`= ANY($1::uuid[])`, `unnest($2::varchar[], …)`).
# asyncpg has no built-in codec for any of these (text[] it has): a statement that is the first
# on its connection to use one stops to look the type up in the catalog (2–3 ms each, the
# first ~11 ms: measured on this machine), type after type. A fresh worker's first bill job
# spent ~53 ms so on its connections. Each new pooled connection now learns them all in one
# look-up, before it is first handed out.
PRIMED_ARRAY_TYPES = ("uuid", "varchar", "int4", "int8", "numeric", "bool", "date", "timestamptz", "jsonb")
_PRIME_STATEMENT = "SELECT " + ", ".join(f"${n}::{name}[]" for n, name in enumerate(PRIMED_ARRAY_TYPES, 1))


async def prime_array_codecs(conn: asyncpg.Connection) -> None:
    """The pool's set-up of a new connection: preparing one statement that names every
    array type of `PRIMED_ARRAY_TYPES` makes asyncpg introspect them together, once."""
    await conn.prepare(_PRIME_STATEMENT)


def __getattr__(name: str) -> Any:
    # `tortoise -c app.db.TORTOISE_ORM ...` reads this; computed lazily so importing the
    # module never reads the environment before the CLI has chosen the database.
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)


async def init_db(database_url: str, *, open_connections: int = 1) -> None:
    # Tortoise 1.x keeps its connections in a contextvar of the task that initialised it.
    # Uvicorn runs the lifespan and each request in different tasks, so without the
    # global fallback every request of a served app would find no database.
    config = tortoise_config(database_url, open_connections=open_connections)
    await Tortoise.init(config=config, _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def connection() -> AsyncIterator[asyncpg.Connection]:
    """A raw asyncpg connection from Tortoise's pool (the asyncpg backend's pool holds
    plain asyncpg connections), so COPY and set-based SQL need no pool of their own."""
    async with connections.get("default").acquire_connection() as conn:
        yield conn


async def run_migrations(database_url: str) -> None:
    from tortoise.migrations.api.migrate import migrate

    await migrate(config=tortoise_config(database_url))
    await Tortoise.close_connections()


class StatementCounter(logging.Handler):
    """Counts SQL statements Tortoise sends (its client logs each at DEBUG); used by the
    N+1 tests and the catalog benchmark to show reads cost one statement per level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection pool", "Closed connection pool")):
            self.statements.append(message)


@contextlib.contextmanager
def count_statements() -> Iterator[StatementCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter, level = StatementCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
