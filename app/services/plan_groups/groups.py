"""Plan groups (SEMANTICS §10.1): create, update, delete (refused while attached)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.accounts.values import as_uuid, custom_fields, decimal, flag, text
from app.domain.naming import description_problem, entity_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector
from app.models.accounts import Account, AccountPlan
from app.models.organization import Currency
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services import currencies, events
from app.services.accounts.loading import lock_accounts
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.plan_groups.commands import CreatePlanGroup, PlanGroupDraft, UpdatePlanGroup
from app.services.versioning import get_owned, update_versioned

_ZERO = Decimal(0)


async def _checked(
    organization_id: uuid.UUID, data: PlanGroupDraft, problems: ProblemCollector, exclude_id: uuid.UUID | None = None
) -> dict[str, Any]:
    code = text(data, "code", problems, entity_code_problem, required=True)
    if code is not None and await taken_codes(PlanGroup, organization_id, [code], exclude_id):
        problems.add("code", ErrorCode.DUPLICATE, f"a plan group with code {code!r} exists")
    currency = text(data, "currency", problems, lambda _: None, required=True)
    if currency is not None and not await Currency.filter(organization_id=organization_id, code=currency).exists():
        problems.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {currency!r}")
    account_id = as_uuid(data.get("accountId"), "accountId", problems)
    if account_id is not None and not await Account.filter(organization_id=organization_id, id=account_id).exists():
        problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
    values: dict[str, Any] = {
        "code": code,
        "name": text(data, "name", problems, name_problem, required=True),
        "currency": currency,
        "account_id": account_id,
        "custom_fields": custom_fields(data.get("customFields"), problems),
    }
    for key, column in (("minimumSpend", "minimum_spend"), ("standingCharge", "standing_charge")):
        values[column] = decimal(data.get(key), key, problems, minimum=_ZERO) or _ZERO
    for key, column in (
        ("minimumSpendDescription", "minimum_spend_description"),
        ("standingChargeDescription", "standing_charge_description"),
    ):
        values[column] = text(data, key, problems, description_problem)
    for key, column in (
        ("minimumSpendBillInAdvance", "minimum_spend_bill_in_advance"),
        ("standingChargeBillInAdvance", "standing_charge_bill_in_advance"),
    ):
        values[column] = flag(data.get(key), key, problems)
    return values


async def create_plan_group(organization_id: uuid.UUID, command: CreatePlanGroup, *, actor: str) -> PlanGroup:
    problems = ProblemCollector()
    values = await _checked(organization_id, command.plan_group, problems)
    problems.raise_if_any()
    async with in_transaction():
        # Deleting an account refuses while a bespoke group names it; locking the account
        # row here orders the two, so neither outlives the other's check.
        if values["account_id"] is not None and not await lock_accounts(organization_id, [values["account_id"]]):
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {values['account_id']}")
            problems.raise_if_any()
        await currencies.hold(organization_id, (values["currency"], currencies.CURRENCY_INPUT))
        group = await PlanGroup.create(
            organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(group)
        return group


def group_input(row: PlanGroup) -> PlanGroupDraft:
    return PlanGroupDraft(
        code=row.code,
        name=row.name,
        currency=row.currency,
        minimum_spend=row.minimum_spend,
        standing_charge=row.standing_charge,
        minimum_spend_description=row.minimum_spend_description,
        standing_charge_description=row.standing_charge_description,
        minimum_spend_bill_in_advance=row.minimum_spend_bill_in_advance,
        standing_charge_bill_in_advance=row.standing_charge_bill_in_advance,
        account_id=None if row.account_id is None else str(row.account_id),
        custom_fields=row.custom_fields,
    )


async def update_plan_group(organization_id: uuid.UUID, command: UpdatePlanGroup, *, actor: str) -> PlanGroup:
    """The currency and the bespoke account stay while plans are linked (they were checked against them)."""
    current = await get_owned(PlanGroup, organization_id, command.plan_group_id)
    problems = ProblemCollector()
    values = await _checked(organization_id, group_input(current).merged(command.changes), problems, current.id)
    linked = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=current.id).exists()
    for column, key in (("currency", "currency"), ("account_id", "accountId")):
        if linked and values[column] != getattr(current, column):
            problems.add(key, ErrorCode.IN_USE, "cannot change while plans are linked to the group")
    if not linked and values["account_id"] not in (None, current.account_id):
        await _refuse_attached_elsewhere(organization_id, current.id, values["account_id"], problems)
    problems.raise_if_any()
    async with in_transaction():
        await currencies.hold(organization_id, (values["currency"], currencies.CURRENCY_INPUT))
        return await update_versioned(PlanGroup, organization_id, current.id, command.version, values, actor)


async def _refuse_attached_elsewhere(
    organization_id: uuid.UUID, group_id: uuid.UUID, account_id: uuid.UUID, problems: ProblemCollector
) -> None:
    """A bespoke group attaches only to its account (SEMANTICS §10.1): it cannot become
    bespoke to one account while another account has it attached."""
    elsewhere = (
        await AccountPlan.filter(organization_id=organization_id, plan_group_id=group_id)
        .exclude(account_id=account_id)
        .values_list("id", flat=True)
    )
    if elsewhere:
        named = ", ".join(str(i) for i in elsewhere[:10])
        problems.add("accountId", ErrorCode.IN_USE, f"the group is attached to other accounts by account plans {named}")


async def delete_plan_group(organization_id: uuid.UUID, plan_group_id: uuid.UUID, *, version: int) -> None:
    """Refused while an account plan attaches it (SEMANTICS §10.3); its links go with it."""
    async with in_transaction():
        await delete_versioned(
            PlanGroup,
            organization_id,
            plan_group_id,
            version,
            (Dependants("account plans", AccountPlan, {"plan_group_id": plan_group_id}),),
        )
        links = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=plan_group_id)
        await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=plan_group_id).delete()
        for link in links:
            await events.deleted(link)
