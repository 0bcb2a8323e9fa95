"""Plans (SEMANTICS §4.2): made from a template, optionally bespoke to one account, with
overrides that read through to the template while unset (null)."""

from __future__ import annotations

import uuid
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.catalog.pricing import (
    NOT_GIVEN,
    PLAN_COLUMNS,
    PlanDraft,
    changed_columns,
    check_collisions,
    check_plan,
    check_plan_tree,
    pricing_inputs,
    stored,
)
from app.domain.catalog.refs import PlanTemplateRef
from app.domain.ids import as_uuid
from app.models.accounts import Account, AccountPlan, Commitment
from app.models.catalog import Plan, PlanTemplate, Pricing
from app.models.counters import CounterPricing
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services.catalog.commands import CreatePlan, UpdatePlan
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.catalog.plans.lookups import (
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    report_unknown_accounts,
    target_resolver,
    template_ref,
)
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned


async def create_plan(organization_id: uuid.UUID, command: CreatePlan, actor: str) -> Plan:
    """A plan of template `planTemplateId`, with its nested `pricings`, all or nothing."""
    data = command.plan
    try:
        async with in_transaction() as connection:
            await lock_plan_catalog(connection, organization_id)
            at = ProblemCollector()
            template = await _template(organization_id, data, at)
            rows = check_plan_tree(
                data, at, template=template, resolve_target=await target_resolver(organization_id, pricing_inputs(data))
            )
            check_collisions(rows, at)
            await report_taken_codes(organization_id, rows, at)
            await report_unknown_accounts(organization_id, rows, at)
            at.raise_if_any()
            await insert_rows(organization_id, rows, actor)
    except IntegrityError as exc:
        raise fail(("input", "code"), ErrorCode.DUPLICATE, "a plan with this code exists") from exc
    return await Plan.get(organization_id=organization_id, id=rows.plans[0]["id"])


async def _check_bespoke_account(
    organization_id: uuid.UUID, account_id: uuid.UUID | None, at: ProblemCollector
) -> None:
    if account_id is not None and not await Account.filter(organization_id=organization_id, id=account_id).exists():
        at.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")


async def _check_bespoke_move(
    organization_id: uuid.UUID, plan: Plan, account_id: uuid.UUID | None, at: ProblemCollector
) -> None:
    """A plan made bespoke (or moved to another account) may not stay attached to others."""
    await _check_bespoke_account(organization_id, account_id, at)
    if account_id is None or account_id == plan.account_id:
        return
    others = (
        await AccountPlan.filter(organization_id=organization_id, plan_id=plan.id)
        .exclude(account_id=account_id)
        .count()
    )
    if others:
        at.add(
            "accountId",
            ErrorCode.IN_USE,
            f"the plan is attached to {others} other account plan(s); a bespoke plan belongs to one account",
        )
    # A group holds only plans bespoke to its own account, or shared ones (SEMANTICS §10.1).
    groups = await PlanGroupLink.filter(organization_id=organization_id, plan_id=plan.id).values_list(
        "plan_group_id", flat=True
    )
    linked = await PlanGroup.filter(organization_id=organization_id, id__in=list(groups))
    foreign = [g for g in linked if g.account_id != account_id]  # a shared group's account_id is NULL
    if foreign:
        names = ", ".join(sorted(g.code for g in foreign))
        at.add(
            "accountId", ErrorCode.IN_USE, f"the plan is linked into plan groups {names}, not bespoke to that account"
        )


async def _template(organization_id: uuid.UUID, data: PlanDraft, at: ProblemCollector) -> PlanTemplateRef:
    """The plan's template; without one nothing else of the plan can be judged."""
    value = data.get("planTemplateId")
    if value is None:
        at.add("planTemplateId", ErrorCode.REQUIRED, "is required")
        at.raise_if_any()
    template_id = as_uuid(value)
    row = await PlanTemplate.filter(organization_id=organization_id, id=template_id).first() if template_id else None
    if row is None:
        at.add("planTemplateId", ErrorCode.NOT_FOUND, f"no plan template with id {value}")
        at.raise_if_any()
    return template_ref(cast(PlanTemplate, row))


async def update_plan(organization_id: uuid.UUID, command: UpdatePlan, actor: str) -> Plan:
    """`command.changes` holds only the fields the client sent; an override sent as null
    is removed (the plan reads the template's value again). The template cannot change."""
    changes = command.changes
    try:
        async with in_transaction() as connection:
            await lock_plan_catalog(connection, organization_id)
            row = await get_owned(Plan, organization_id, command.plan_id)
            template = template_ref(await PlanTemplate.get(organization_id=organization_id, id=row.plan_template_id))
            at = ProblemCollector()
            merged = stored(PlanDraft, row, PLAN_COLUMNS).merged(changes)
            values, _ = check_plan(merged, at, template=template, plan_id=row.id)
            if (
                changes.code is not NOT_GIVEN
                and values["code"]
                and await taken_codes(Plan, organization_id, [values["code"]], exclude_id=row.id)
            ):
                at.add("code", ErrorCode.DUPLICATE, f"a plan with code {values['code']!r} exists")
            if changes.account_id is not NOT_GIVEN:
                await _check_bespoke_move(organization_id, row, values.get("account_id"), at)
            at.raise_if_any()
            return await update_versioned(
                Plan, organization_id, row.id, command.version, changed_columns(values, changes, PLAN_COLUMNS), actor
            )
    except IntegrityError as exc:
        raise fail(("input", "code"), ErrorCode.DUPLICATE, "a plan with this code exists") from exc


async def delete_plan(organization_id: uuid.UUID, plan_id: uuid.UUID, *, version: int) -> None:
    """Refused while pricings, account plans, commitments or plan groups use the plan (named)."""
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        # A link names no code of its own: the refusal names the groups the plan is linked into.
        linked = await PlanGroupLink.filter(organization_id=organization_id, plan_id=plan_id).values_list(
            "plan_group_id", flat=True
        )
        await delete_versioned(
            Plan,
            organization_id,
            plan_id,
            version,
            [
                Dependants("pricings", Pricing, {"plan_id": plan_id}),
                Dependants("counter pricings", CounterPricing, {"plan_id": plan_id}),
                Dependants("account plans", AccountPlan, {"plan_id": plan_id}),
                Dependants("commitments", Commitment, {"billing_plan_id": plan_id}),
                Dependants("plan groups", PlanGroup, {"id__in": list(linked)}),
            ],
        )
