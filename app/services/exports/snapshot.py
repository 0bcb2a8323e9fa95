"""One database snapshot per export, read in bounded chunks (SEMANTICS §15.2 rule 1).

Everything an export reads goes through one connection inside one REPEATABLE READ,
READ ONLY transaction: every statement sees the same snapshot, so a bill recalculated
while the export runs shows fully (before or after) and never half. Rows come through
server-side cursors `CHUNK_ROWS` at a time, so memory does not grow with the export.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from app.db import connection

CHUNK_ROWS = 2000
FLUSH_BYTES = 64 * 1024  # bytes gathered before a piece is handed to the writer


@contextlib.asynccontextmanager
async def snapshot() -> AsyncIterator[asyncpg.Connection]:
    async with connection() as conn:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            # The snapshot is taken by the transaction's first query: take it now, when the
            # export is opened, not when the first row happens to be read.
            await conn.execute("SELECT 1")
            yield conn


async def chunks(conn: asyncpg.Connection, sql: str, *args: Any, size: int = CHUNK_ROWS) -> AsyncIterator[list[Any]]:
    """The rows of `sql` in lists of at most `size`, through a server-side cursor."""
    cursor = await conn.cursor(sql, *args)
    while True:
        rows = await cursor.fetch(size)
        if not rows:
            return
        yield rows


class Buffer:
    """Rows gathered into pieces of about FLUSH_BYTES: one write per piece, not per row."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.rows = 0

    def add(self, data: bytes, rows: int = 1) -> bytes | None:
        self.parts.append(data)
        self.size += len(data)
        self.rows += rows
        return self.take() if self.size >= FLUSH_BYTES else None

    def take(self) -> bytes | None:
        if not self.parts:
            return None
        piece = b"".join(self.parts)
        self.parts, self.size = [], 0
        return piece
