"""Whether bill periods have been billed, so that what cuts them may no longer move.

A bill's period runs between two bill dates counted from an epoch (`AccountPlan.billEpoch`
?? `Account.billEpoch` ?? the organization's epoch for the frequency), with boundaries at
local midnight in the organization's timezone (SEMANTICS §7.1). Bills are never deleted.
Once one exists, moving those boundaries would make the next periods overlap the billed
one (the days between billed twice) or leave a gap (never billed). SEMANTICS has no rule
for such a change; ours is to refuse it (INVALID_STATE at the field) once anything it
governs has been billed. The way to change an account's cycle from a date on is to replace
its account plan with one carrying the new `billEpoch` (`replaceAccountPlan`): the old
attachment's periods end where the new one's begin.

A bill job that has not finished counts as billed for the organization: it may already
have read the configuration it would then bill under.
"""

from __future__ import annotations

import uuid

from app.models.billing import Bill, BillJob, BillLineItem

ORGANIZATION_BILLED = (
    "bills exist (or a bill job is running), and their periods were cut with the current value: "
    "changing it would bill some days twice or never. Set it before the first bill run"
)
ACCOUNT_BILLED = (
    "this account has bills, whose periods were cut from the current bill epoch: changing it would "
    "bill some days twice or never. To change the cycle from a date, replace the account plan "
    "(replaceAccountPlan) with a billEpoch"
)
ATTACHMENT_BILLED = (
    "bills carry this account plan's lines, whose periods were cut from the current bill epoch: "
    "changing it would bill some days twice or never. To change the cycle from a date, replace the "
    "account plan (replaceAccountPlan) with a billEpoch"
)


async def organization_billed(organization_id: uuid.UUID) -> bool:
    if await Bill.filter(organization_id=organization_id).exists():
        return True
    # Imported here: the billing services import the account services, which import this.
    from app.services.billing.state import ACTIVE

    return await BillJob.filter(organization_id=organization_id, status__in=ACTIVE).exists()


async def account_billed(organization_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    """Whether the account has bills of its own. A child's lines on its parent's bill are
    not counted: they were cut by the parent's account plan, whose epoch falls back to the
    parent's `billEpoch`, never the child's (and no index serves that search)."""
    return await Bill.filter(organization_id=organization_id, account_id=account_id).exists()


async def attachment_billed(organization_id: uuid.UUID, account_plan_id: uuid.UUID) -> bool:
    return await BillLineItem.filter(organization_id=organization_id, account_plan_id=account_plan_id).exists()
