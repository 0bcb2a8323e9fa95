"""The account plans a bill's lines were composed from, held while the lines are stored.

`deleteAccountPlan` is refused while bills carry the account plan's lines (SEMANTICS §1).
Checked each in its own transaction, a delete and a bill being stored could both pass,
leaving lines of a plan that no longer exists. They meet on the account plan's row
instead, as a foreign key would make them: the transaction storing lines reads their
account plans `FOR KEY SHARE` (`hold_account_plans`), and `delete_account_plan` locks the
row before it looks for lines. A bill composed from an account plan deleted before it
was stored is not stored (`AccountPlanDeleted`); composed again, it leaves the plan out.

A plan group's member line names a member account plan derived from the account plan
that attached the group (`member_id`), with no row of its own: it holds that account
plan, found among the group's attachments of the bill's account or, billed CHILD, of
its parent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from app.domain.billing import BillLine
from app.domain.billing.plan_groups import member_id

__all__ = ["AccountPlanDeleted", "hold_account_plans"]


class AccountPlanDeleted(Exception):
    """A bill was composed from an account plan deleted before it was stored. The message
    is safe for clients: it names only ids the bill's own lines show."""

    def __init__(self, account_plan_ids: Sequence[uuid.UUID]) -> None:
        named = ", ".join(str(i) for i in account_plan_ids)
        super().__init__(f"account plan {named} was deleted while the bill was calculated; run the bill again")


async def hold_account_plans(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bills: Sequence[tuple[uuid.UUID, Sequence[BillLine]]]
) -> None:
    """Hold the account plans of these bills' lines (bill id, lines) until the transaction
    ends; raises `AccountPlanDeleted` if one is gone. The bills' rows must be written."""
    plain: set[uuid.UUID] = set()
    members: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}  # member id → (group, plan)
    for _, lines in bills:
        for line in lines:
            if line.account_plan_id is None:
                continue
            if line.plan_group_id is not None and line.plan_id is not None:
                members[line.account_plan_id] = (line.plan_group_id, line.plan_id)
            else:
                plain.add(line.account_plan_id)
    gone = await _hold_rows(conn, organization_id, plain)
    if members:
        gone += await _hold_group_attachments(conn, organization_id, [bill_id for bill_id, _ in bills], members)
    if gone:
        raise AccountPlanDeleted(sorted(gone))


async def _hold_rows(conn: asyncpg.Connection, organization_id: uuid.UUID, ids: set[uuid.UUID]) -> list[uuid.UUID]:
    if not ids:
        return []
    rows = await conn.fetch(
        "SELECT id FROM account_plans WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR KEY SHARE",
        organization_id,
        sorted(ids),
    )
    return sorted(ids - {row["id"] for row in rows})


# The group attachments a member line can derive from: the bill's account's, or its
# parent's (a child billed CHILD under its parent's group).
_GROUP_ATTACHMENTS = """
SELECT ap.id FROM account_plans AS ap
WHERE ap.organization_id = $1 AND ap.plan_group_id = ANY($2::uuid[])
  AND ap.account_id IN (
      SELECT unnest(ARRAY[a.id, a.parent_account_id]) FROM bills AS b
      JOIN accounts AS a ON a.organization_id = $1 AND a.id = b.account_id
      WHERE b.organization_id = $1 AND b.id = ANY($3::uuid[]))
ORDER BY ap.id FOR KEY SHARE OF ap"""


async def _hold_group_attachments(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    bill_ids: list[uuid.UUID],
    members: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]],
) -> list[uuid.UUID]:
    """The member ids none of the held group attachments derives."""
    groups = sorted({group for group, _ in members.values()})
    rows = await conn.fetch(_GROUP_ATTACHMENTS, organization_id, groups, bill_ids)
    plans = {plan for _, plan in members.values()}
    derived = {member_id(row["id"], plan) for row in rows for plan in plans}
    return sorted(set(members) - derived)
