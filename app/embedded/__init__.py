"""Embedded PostgreSQL and Redis for when no URL is configured (DESIGN §2).

    services = start_services(data_dir, database_url=os.environ.get("DATABASE_URL"),
                              redis_url=os.environ.get("REDIS_URL"))
    try:
        ...  # use services.database_url / services.tortoise_url / services.redis_url
    finally:
        services.stop()

Only services without a URL are started, and stop() stops only those.

URLs of the embedded services (unix sockets only, nothing listens on TCP):
  * database_url  postgresql://postgres@/metergraph?host=<socket dir>
                  (asyncpg.connect / create_pool accept it as is)
  * tortoise_url  postgres://postgres@/metergraph?host=<socket dir>
                  (tortoise-orm 1.1.9 expand_db_url keeps `host` from the
                  query string; port defaults to 5432, the socket's number)
  * redis_url     unix://<data dir>/redis.sock
                  (redis-py Redis.from_url and arq RedisSettings.from_dsn)
  Socket paths are kept short and URL-safe (no quoting needed): if the data
  directory's path is too long for a unix socket (107 bytes on Linux) or has
  characters that would need percent-encoding, the sockets go to
  /tmp/metergraph-<sha256(data dir)[:12]>/ instead.

Children never outlive us, as far as the OS allows:
  * they run in their own session, so a terminal's Ctrl-C reaches only the
    CLI, whose finally-block stops them in order;
  * stop() (also run by atexit) signals and waits: PostgreSQL SIGINT (fast
    shutdown; SIGTERM would wait for clients to disconnect), Redis SIGTERM;
    after 10 s SIGQUIT/SIGKILL;
  * on Linux, PR_SET_PDEATHSIG (armed when started from the main thread)
    makes the kernel send postgres SIGINT and redis-server SIGTERM if the
    parent dies by SIGKILL or an unhandled SIGTERM: both shut down cleanly;
  * anything still left over (another OS, a non-main thread) is found via
    <service>.state.json at the next start and stopped if its owner is dead;
    if its owner is alive the start fails (two instances on one data dir).
A SIGKILLed service leaves stale postmaster.pid / socket files; the next start
recovers (PostgreSQL runs crash recovery; Redis replays its AOF).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._postgres import start_embedded_postgres
from ._proc import ServiceHandle
from ._redis import start_embedded_redis

__all__ = [
    "EmbeddedServices",
    "ServiceHandle",
    "start_embedded_postgres",
    "start_embedded_redis",
    "start_services",
]


@dataclass
class EmbeddedServices:
    database_url: str
    redis_url: str
    postgres_pid: int | None = None  # None when DATABASE_URL was given
    redis_pid: int | None = None  # None when REDIS_URL was given
    _stoppers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def tortoise_url(self) -> str:
        """database_url in the form Tortoise ORM's db_url takes."""
        for prefix in ("postgresql://", "asyncpg://"):
            if self.database_url.startswith(prefix):
                return "postgres://" + self.database_url[len(prefix) :]
        return self.database_url

    def stop(self) -> None:
        """Stop what start_services started (Redis first, then PostgreSQL).
        Idempotent; errors are collected and the first re-raised at the end."""
        error: BaseException | None = None
        while self._stoppers:
            try:
                self._stoppers[-1]()
            except BaseException as exc:  # keep stopping the others
                error = error or exc
            self._stoppers.pop()
        if error is not None:
            raise error

    def __enter__(self) -> EmbeddedServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_services(
    data_dir: Path,
    *,
    database_url: str | None,
    redis_url: str | None,
    timeout: float = 30.0,
) -> EmbeddedServices:
    """Start embedded PostgreSQL and/or Redis in data_dir for whichever URL
    is missing (None or empty).  Blocks until each accepts connections;
    RuntimeError (with the log tail) if one does not within `timeout`."""
    services = EmbeddedServices(database_url=database_url or "", redis_url=redis_url or "")
    try:
        if not database_url:
            services.database_url, stop = start_embedded_postgres(data_dir, timeout=timeout)
            services.postgres_pid = getattr(stop, "pid", None)
            services._stoppers.append(stop)
        if not redis_url:
            services.redis_url, stop = start_embedded_redis(data_dir, timeout=timeout)
            services.redis_pid = getattr(stop, "pid", None)
            services._stoppers.append(stop)
    except BaseException:
        services.stop()
        raise
    return services
