"""`ingest.validation.failure` (SEMANTICS §14.1): one event per processed batch that had
rejections, with its counts and the first 100 rejections **(our rule)**, recorded in the
transaction that stores the batch's measurements and failures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from app.services.events.record import Connection, record_event

VALIDATION_FAILURE = "ingest.validation.failure"
FIRST_REJECTIONS = 100


def _text(value: str | None) -> str | None:
    # jsonb cannot hold NUL, which a refused uid may contain.
    return None if value is None else value.replace("\x00", "\N{REPLACEMENT CHARACTER}")


async def record_validation_failure(
    connection: Connection,
    organization_id: uuid.UUID,
    batch_id: uuid.UUID,
    *,
    item_count: int,
    stored: int,
    duplicates: int,
    rejections: Sequence[tuple[int, str | None, str, str]],
) -> None:
    """`rejections` are (index in the batch, uid, code, reason); nothing when empty."""
    if not rejections:
        return
    payload = {
        "batchId": str(batch_id),
        "itemCount": item_count,
        "stored": stored,
        "duplicates": duplicates,
        "rejected": len(rejections),
        "rejections": [
            {"index": index, "uid": _text(uid), "code": code, "reason": _text(reason)}
            for index, uid, code, reason in list(rejections)[:FIRST_REJECTIONS]
        ],
    }
    await record_event(connection, organization_id, VALIDATION_FAILURE, "measurementbatch", batch_id, payload)
