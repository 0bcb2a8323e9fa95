"""Plan attachments (SEMANTICS §5.2): attach, change, replace by another plan at a date,
delete, and the attachments active in a window (for billing).

Every write that can create an overlap first locks the account row, so two concurrent
attaches to one account are serialized and the second sees the first when it checks.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import cast

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.domain.accounts import CodeBook, References, account_plan_references, check_account_plan, check_replacement
from app.domain.accounts.drafts import ReplacementDraft
from app.domain.accounts.values import as_uuid
from app.domain.billing.plan_groups import member_id
from app.domain.given import given
from app.models.accounts import Account, AccountPlan
from app.models.billing import Bill, BillLineItem
from app.services import events
from app.services.accounts.commands import CreateAccountPlan, ReplaceAccountPlan, UpdateAccountPlan
from app.services.accounts.loading import account_plan_input, attachment, attachments_of, load_known, lock_accounts
from app.services.billed_periods import ATTACHMENT_BILLED, attachment_billed
from app.services.catalog.entities import Dependants, delete_versioned
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, refuse_stale, update_versioned

# Values that belong to the attachment's identity, not changeable by an update.
FIXED = ("account_id", "plan_id", "product_id")


async def create_account_plan(organization_id: uuid.UUID, command: CreateAccountPlan, *, actor: str) -> AccountPlan:
    data = command.account_plan
    if data.get("planGroupId") is not None:  # a plan group instead of a plan (SEMANTICS §10.1)
        from app.services.plan_groups.attach import attach_plan_group

        return await attach_plan_group(organization_id, data, actor=actor)
    problems = ProblemCollector()
    account_id = as_uuid(data.get("accountId"), "accountId", problems)
    if data.get("accountId") is None:
        problems.add("accountId", ErrorCode.REQUIRED, "is required")
    problems.raise_if_any()
    account_id = cast(uuid.UUID, account_id)  # a missing or malformed one was refused just above
    async with in_transaction():
        if not await lock_accounts(organization_id, [account_id]):
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
        known = await load_known(organization_id, account_plan_references(data, References()))
        others = await attachments_of(organization_id, account_id)
        values = check_account_plan(
            data, problems, known, CodeBook(known.taken_codes), account_id=account_id, others=others
        )
        problems.raise_if_any()
        await _refuse_group_collision(organization_id, account_id, values, problems)
        account_plan = await AccountPlan.create(
            organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(account_plan)
        return account_plan


async def _refuse_group_collision(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    values: dict,
    problems: ProblemCollector,
    *,
    start_key: str = "startDate",
    exclude_id: uuid.UUID | None = None,
) -> None:
    """A plan against an attached plan group holding its product follows §5.2 (SEMANTICS
    §10.2 rule 3): the attachments above only know direct plans. Attaching, changing dates
    and replacing all pass here, so no path lets a direct plan slide into a group."""
    from app.services.plan_groups.collisions import group_collision

    products = [values["product_id"]] if values.get("product_id") else []
    if why := await group_collision(
        organization_id,
        account_id,
        products,
        values["start_date"],
        values["end_date"],
        exclude_id,
        attaching_group=False,
    ):
        problems.add(start_key, ErrorCode.INVALID, why)
        problems.raise_if_any()


async def _locked_attachment(organization_id: uuid.UUID, account_plan_id: uuid.UUID, path: str = "id") -> AccountPlan:
    """The attachment, read again after locking its account (it may have changed meanwhile)."""
    found = await get_owned(AccountPlan, organization_id, account_plan_id, path=path)
    await lock_accounts(organization_id, [found.account_id])
    return await get_owned(AccountPlan, organization_id, account_plan_id, path=path)


async def update_account_plan(organization_id: uuid.UUID, command: UpdateAccountPlan, *, actor: str) -> AccountPlan:
    """Change dates (end-dating included), code, bill epoch, child billing mode, custom
    fields. `command.changes` holds only the fields the client sent."""
    version = command.version
    async with in_transaction():
        current = await _locked_attachment(organization_id, command.account_plan_id)
        if current.plan_group_id is not None:  # a plan group's attachment (SEMANTICS §10.1)
            from app.services.plan_groups.attach import update_group_attachment

            return await update_group_attachment(organization_id, current, command.changes, version, actor=actor)
        merged = account_plan_input(current).merged(command.changes)
        known = await load_known(organization_id, account_plan_references(merged, References()), exclude_id=current.id)
        others = await attachments_of(organization_id, current.account_id, exclude_id=current.id)
        problems = ProblemCollector()
        values = check_account_plan(
            merged,
            problems,
            known,
            CodeBook(known.taken_codes),
            account_id=current.account_id,
            others=others,
            creating=False,
        )
        problems.raise_if_any()
        await _refuse_group_collision(organization_id, current.account_id, values, problems, exclude_id=current.id)
        changed = {k: v for k, v in values.items() if k not in FIXED}
        if changed.get("bill_epoch") != current.bill_epoch and await attachment_billed(organization_id, current.id):
            raise fail(("input", "billEpoch"), ErrorCode.INVALID_STATE, ATTACHMENT_BILLED)
        return await update_versioned(AccountPlan, organization_id, current.id, version, changed, actor)


async def replace_account_plan(
    organization_id: uuid.UUID, command: ReplaceAccountPlan, *, actor: str
) -> tuple[AccountPlan, AccountPlan]:
    """End the attachment at the replacement's `date` and attach another plan from then
    on, in one transaction → (the ended attachment, the new one). The new one keeps the
    old end, bill epoch, child billing mode and custom fields unless the command gives them."""
    version, data = command.version, command.replacement
    async with in_transaction():
        old = await _locked_attachment(organization_id, command.account_plan_id, path="accountPlanId")
        if old.plan_group_id is not None:
            raise fail(
                ("input", "accountPlanId"),
                ErrorCode.INVALID,
                "a plan group's attachment is not replaced: end it (updateAccountPlan endDate) and attach anew",
            )
        refuse_stale(old, version)
        inherited = ReplacementDraft(
            bill_epoch=old.bill_epoch, child_billing_mode=old.child_billing_mode, custom_fields=old.custom_fields
        )
        sent = {name: value for name, value in given(data).items() if value is not None}
        merged = replace(inherited, **sent)
        known = await load_known(organization_id, account_plan_references(merged, References()))
        others = await attachments_of(organization_id, old.account_id, exclude_id=old.id)
        problems = ProblemCollector()
        date, values = check_replacement(
            attachment(old),
            merged,
            problems,
            known,
            CodeBook(known.taken_codes),
            account_id=old.account_id,
            others=others,
        )
        problems.raise_if_any()
        await _refuse_group_collision(organization_id, old.account_id, values, problems, start_key="date")
        ended = await update_versioned(AccountPlan, organization_id, old.id, version, {"end_date": date}, actor)
        new = await AccountPlan.create(
            organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(new)
        return ended, new


async def delete_account_plan(organization_id: uuid.UUID, account_plan_id: uuid.UUID, *, version: int) -> None:
    """Refused while bills carry its lines (SEMANTICS §1): they were computed from it, and a
    locked one is never changed again (§7.5)."""
    async with in_transaction():
        # Locked before the lines are looked for: a bill being stored holds its account
        # plans until it commits (`plan_holds`), so its lines are seen.
        attachment = await AccountPlan.select_for_update().filter(organization_id=organization_id, id=account_plan_id)
        billed = await _bills_with_lines_of(organization_id, attachment[0]) if attachment else []
        dependants = [Dependants("bills", Bill, {"id__in": sorted(set(billed), key=str)})] if billed else []
        await delete_versioned(AccountPlan, organization_id, account_plan_id, version, dependants)


async def _bills_with_lines_of(organization_id: uuid.UUID, attachment: AccountPlan) -> set[uuid.UUID]:
    """Bills with lines of the attachment: the lines naming it; and for one that attached a
    plan group, its members' lines. Those name a member derived from the attachment and
    their plan (`member_id`), and are on the bills of its account or, billed CHILD, of the
    account's children."""
    lines = BillLineItem.filter(organization_id=organization_id, account_plan_id=attachment.id)
    billed = set(cast("list[uuid.UUID]", await lines.distinct().values_list("bill_id", flat=True)))
    if attachment.plan_group_id is None:
        return billed
    children = await Account.filter(organization_id=organization_id, parent_account_id=attachment.account_id)
    accounts = [attachment.account_id, *(child.id for child in children)]
    bill_ids = await Bill.filter(organization_id=organization_id, account_id__in=accounts).values_list("id", flat=True)
    members = await BillLineItem.filter(
        organization_id=organization_id,
        bill_id__in=list(bill_ids),
        plan_group_id=attachment.plan_group_id,
        plan_id__isnull=False,
    ).values_list("bill_id", "account_plan_id", "plan_id")
    return billed | {bill for bill, named, plan in members if named == member_id(attachment.id, plan)}


async def active_account_plans(
    organization_id: uuid.UUID, account_ids: list[uuid.UUID] | None, start: datetime, end: datetime
) -> list[AccountPlan]:
    """Attachments whose `[start_date, end_date)` shares an instant with `[start, end)`,
    of these accounts (None: every account), by account then start."""
    if account_ids is not None and not account_ids:
        return []
    query = AccountPlan.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start), organization_id=organization_id, start_date__lt=end
    )
    if account_ids is not None:
        query = query.filter(account_id__in=account_ids)
    return await query.order_by("account_id", "start_date", "id")
