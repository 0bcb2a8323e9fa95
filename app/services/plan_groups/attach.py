"""Attaching a plan group to an account (SEMANTICS §10.1–10.2): an account plan with
`planGroupId` and no plan; billing expands it into the group's plans."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.accounts import ChildBillingMode
from app.domain.accounts.drafts import AccountPlanDraft
from app.domain.accounts.values import as_uuid, custom_fields, instant, member, plain_date, text
from app.domain.naming import entity_code_problem
from app.domain.problems import ErrorCode, ProblemCollector
from app.models.accounts import AccountPlan
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services import events
from app.services.accounts.loading import lock_accounts
from app.services.catalog.entities import taken_codes
from app.services.plan_groups.collisions import group_collision
from app.services.versioning import update_versioned


def _values(data: AccountPlanDraft, problems: ProblemCollector) -> dict[str, Any]:
    """Dates, code, epoch, mode and custom fields of a group attachment (checked)."""
    start = instant(data.get("startDate"), "startDate", problems)
    end = instant(data.get("endDate"), "endDate", problems)
    if data.get("startDate") is None:
        problems.add("startDate", ErrorCode.REQUIRED, "is required")
    if start is not None and end is not None and end <= start:
        problems.add("endDate", ErrorCode.INVALID, "must be after startDate (the end is exclusive)")
    mode = member(data.get("childBillingMode"), "childBillingMode", problems, ChildBillingMode)
    return {
        "code": text(data, "code", problems, entity_code_problem),
        "start_date": start,
        "end_date": end,
        "bill_epoch": plain_date(data.get("billEpoch"), "billEpoch", problems),
        "child_billing_mode": (mode or ChildBillingMode.PARENT_BREAKDOWN).value,
        "custom_fields": custom_fields(data.get("customFields"), problems),
    }


async def _refuse_collision(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    group_id: uuid.UUID,
    values: dict[str, Any],
    problems: ProblemCollector,
    exclude_id: uuid.UUID | None = None,
) -> None:
    if values["code"] is not None and await taken_codes(AccountPlan, organization_id, [values["code"]], exclude_id):
        problems.add("code", ErrorCode.DUPLICATE, f"an account plan with code {values['code']!r} exists")
    problems.raise_if_any()
    products = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=group_id).values_list(
        "product_id", flat=True
    )
    wanted = {uuid.UUID(str(p)) for p in products}
    if why := await group_collision(
        organization_id, account_id, wanted, values["start_date"], values["end_date"], exclude_id
    ):
        problems.add("startDate", ErrorCode.INVALID, why)
    problems.raise_if_any()


async def attach_plan_group(organization_id: uuid.UUID, data: AccountPlanDraft, *, actor: str) -> AccountPlan:
    problems = ProblemCollector()
    account_id = as_uuid(data.get("accountId"), "accountId", problems)
    group_id = as_uuid(data.get("planGroupId"), "planGroupId", problems)
    if data.get("planId") is not None or data.get("planCode") is not None:
        problems.add("planGroupId", ErrorCode.INVALID, "give a plan or a plan group, not both")
    values = _values(data, problems)
    async with in_transaction():
        if account_id is not None and not await lock_accounts(organization_id, [account_id]):
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
        group = await PlanGroup.filter(organization_id=organization_id, id=group_id).first() if group_id else None
        if group_id is not None and group is None:
            problems.add("planGroupId", ErrorCode.NOT_FOUND, f"no plan group with id {group_id}")
        elif group is not None and group.account_id not in (None, account_id):
            problems.add("planGroupId", ErrorCode.INVALID, f"plan group {group.code} is bespoke to another account")
        problems.raise_if_any()
        assert account_id is not None and group is not None
        await _refuse_collision(organization_id, account_id, group.id, values, problems)
        attached = await AccountPlan.create(
            organization_id=organization_id,
            account_id=account_id,
            plan_group_id=group.id,
            created_by=actor,
            last_modified_by=actor,
            **values,
        )
        await events.created(attached)
        return attached


async def update_group_attachment(
    organization_id: uuid.UUID, current: AccountPlan, changes: AccountPlanDraft, version: int, *, actor: str
) -> AccountPlan:
    """Dates (end-dating included), code, epoch, mode, custom fields of a group attachment;
    the caller holds the account's lock. The group itself is not changeable."""
    problems = ProblemCollector()
    if changes.get("planId") is not None or changes.get("planGroupId") is not None:
        problems.add("planGroupId", ErrorCode.INVALID, "the attached plan or group cannot change; replace it")
    stored = AccountPlanDraft(
        code=current.code,
        start_date=current.start_date,
        end_date=current.end_date,
        bill_epoch=current.bill_epoch,
        child_billing_mode=current.child_billing_mode,
        custom_fields=current.custom_fields,
    )
    values = _values(stored.merged(changes), problems)
    problems.raise_if_any()
    assert current.plan_group_id is not None
    await _refuse_collision(organization_id, current.account_id, current.plan_group_id, values, problems, current.id)
    return await update_versioned(AccountPlan, organization_id, current.id, version, values, actor)
