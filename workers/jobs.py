"""Worker jobs. Each is a few lines calling the service of the same name."""

from __future__ import annotations

from typing import Any


async def ping_worker(ctx: dict[str, Any], token: str) -> str:
    """Round trip through the queue: operators and tests use it to see a worker consuming."""
    return token
