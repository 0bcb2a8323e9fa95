"""Asking for statements after bills became APPROVED or locked (SEMANTICS §12.2 rule 2).

Called after the change committed (approveBills, lockBill, auto-approval, the lock date)
with the bills it changed; when the organization's `autoGenerateStatementMode` is not
NONE, one worker job (`generate_due_statements`) generates them, outside the request.
An enqueue that fails is logged, not raised: the approval stands, and the worker's
statements sweep (sweep.py) generates the statement within minutes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

from tortoise.expressions import Q

from app.models.billing import Bill
from app.models.organization import OrganizationConfig

log = logging.getLogger("metergraph.statements")
GENERATE_JOB = "generate_due_statements"
Enqueue = Callable[..., Awaitable[Any]]


async def request_statements(
    organization_id: uuid.UUID, bill_ids: Iterable[uuid.UUID | str], *, enqueue: Enqueue | None
) -> bool:
    """Whether a generation job was enqueued for these bills."""
    wanted = [str(b) for b in dict.fromkeys(bill_ids)]
    if not wanted or enqueue is None:
        return False
    if await _mode(organization_id) == "NONE":
        return False
    try:
        await enqueue(GENERATE_JOB, str(organization_id), wanted)
    except Exception:  # noqa: BLE001 - the bills are approved; a statement can be generated on demand
        log.warning("could not enqueue statements of %d bill(s) of %s", len(wanted), organization_id, exc_info=True)
        return False
    return True


async def request_lock_date_statements(organization_id: uuid.UUID, *, enqueue: Enqueue | None) -> bool:
    """After the lock date moved: the bills it locked that have no current statement."""
    if enqueue is None or await _mode(organization_id) == "NONE":
        return False
    ids = await (
        Bill.filter(organization_id=organization_id, locked_by_lock_date=True)
        .filter(Q(statement_stale=True) | Q(json_statement_generated=False))
        .values_list("id", flat=True)
    )
    return await request_statements(organization_id, cast("list[uuid.UUID]", ids), enqueue=enqueue)


async def _mode(organization_id: uuid.UUID) -> str:
    modes = await OrganizationConfig.filter(organization_id=organization_id).values_list(
        "auto_generate_statement_mode", flat=True
    )
    return str(modes[0]) if modes else "NONE"
