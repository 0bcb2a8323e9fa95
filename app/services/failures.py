"""Safe descriptions of unexpected failures, for what clients can read.

An exception's text can carry SQL, table and constraint names, file paths or another
tenant's values, so it never reaches a stored field a client reads (a batch's
`lastError`, a bill job's `failureReason` or an account's failure). The stored text is
fixed wording plus a short reference; the full exception is logged under that same
reference, so an operator finds the detail from what the customer quotes.
"""

from __future__ import annotations

import logging
import uuid

__all__ = ["internal_failure", "is_transient"]


def internal_failure(
    log: logging.Logger, what: str, error: BaseException, *, about: str = "", level: int = logging.ERROR
) -> str:
    """Log ``error`` with its traceback (and ``about``, for the log only) and return
    ``"<what>: internal error (reference …)"``."""
    reference = uuid.uuid4().hex[:12]
    log.log(level, "%s%s [reference %s]", what, f" ({about})" if about else "", reference, exc_info=error)
    return f"{what}: internal error (reference {reference})"


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` (or an exception it wraps, e.g. in Tortoise's OperationalError) is
    the database or network failing for a while, not the work itself: a lost or refused
    connection, a server shutting down or cancelling, a serialization failure or deadlock,
    exhausted resources. Doing the same work again later may well succeed."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _TRANSIENT):
            return True
        current = current.__cause__ or current.__context__
    return False


def _transient_types() -> tuple[type[BaseException], ...]:
    import asyncpg.exceptions as pg
    import redis.exceptions as redis_errors
    from tortoise.exceptions import DBConnectionError

    return (
        pg.PostgresConnectionError,  # 08xxx, and a connection closed under us
        pg.OperatorInterventionError,  # 57xxx: admin shutdown, crash recovery, cancelled statement
        pg.TransactionRollbackError,  # 40xxx: serialization failure, deadlock
        pg.InsufficientResourcesError,  # 53xxx: too many connections, out of memory or disk
        ConnectionError,
        TimeoutError,  # the socket itself (OSError subclasses)
        DBConnectionError,
        redis_errors.ConnectionError,
        redis_errors.TimeoutError,
    )


_TRANSIENT = _transient_types()
