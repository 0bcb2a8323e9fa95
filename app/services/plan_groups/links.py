"""Plan group links (SEMANTICS §10.1, §10.2 rules 1 and 3): one plan per product per group;
the group's plans share its currency, billFrequency and interval; a bespoke group holds
only plans bespoke to its account (or shared ones); a new link to an attached group must
not make two active groups of an account share a product."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from app.domain.accounts.values import as_uuid
from app.domain.problems import ErrorCode, ProblemCollector
from app.models.accounts import AccountPlan
from app.models.catalog import Plan, PlanTemplate
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services import events
from app.services.catalog.entities import delete_versioned
from app.services.catalog.plans import lock_plan_catalog
from app.services.plan_groups.collisions import group_collision
from app.services.plan_groups.commands import CreatePlanGroupLink


async def create_plan_group_link(
    organization_id: uuid.UUID, command: CreatePlanGroupLink, *, actor: str
) -> PlanGroupLink:
    problems = ProblemCollector()
    group_id = as_uuid(command.plan_group_id, "planGroupId", problems)
    plan_id = as_uuid(command.plan_id, "planId", problems)
    problems.raise_if_any()
    async with in_transaction() as connection:
        # The plan catalog lock orders this against deleting the plan (refused while a group
        # links it); the group's row lock orders concurrent links of one group (one plan
        # per product).
        await lock_plan_catalog(connection, organization_id)
        group = await PlanGroup.filter(organization_id=organization_id, id=group_id).select_for_update().first()
        plan = await Plan.filter(organization_id=organization_id, id=plan_id).first()
        if group is None:
            problems.add("planGroupId", ErrorCode.NOT_FOUND, f"no plan group with id {group_id}")
        if plan is None:
            problems.add("planId", ErrorCode.NOT_FOUND, f"no plan with id {plan_id}")
        problems.raise_if_any()
        assert group is not None and plan is not None
        await _check(organization_id, group, plan, problems)
        problems.raise_if_any()
        link = await PlanGroupLink.create(
            organization_id=organization_id,
            plan_group_id=group.id,
            plan_id=plan.id,
            product_id=plan.product_id,
            created_by=actor,
            last_modified_by=actor,
        )
        await events.created(link)
        return link


async def _check(organization_id: uuid.UUID, group: PlanGroup, plan: Plan, problems: ProblemCollector) -> None:
    template = await PlanTemplate.get(organization_id=organization_id, id=plan.plan_template_id)
    if template.currency != group.currency:
        problems.add(
            "planId", ErrorCode.INVALID, f"plan {plan.code} bills in {template.currency}, the group in {group.currency}"
        )
    if plan.account_id is not None and plan.account_id != group.account_id:
        problems.add("planId", ErrorCode.INVALID, f"plan {plan.code} is bespoke to another account")
    links = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=group.id)
    if any(link.product_id == plan.product_id for link in links):
        problems.add("planId", ErrorCode.DUPLICATE, "the group already has a plan of this product")
    await _same_schedule(organization_id, template, plan, [link.plan_id for link in links], problems)
    for attached in await AccountPlan.filter(organization_id=organization_id, plan_group_id=group.id):
        why = await group_collision(
            organization_id, attached.account_id, [plan.product_id], attached.start_date, attached.end_date, attached.id
        )
        if why:
            problems.add("planId", ErrorCode.INVALID, f"the group is attached by {attached.id}, which {why}")


async def _same_schedule(
    organization_id: uuid.UUID, template: PlanTemplate, plan: Plan, linked: list[uuid.UUID], problems: ProblemCollector
) -> None:
    other = await Plan.filter(organization_id=organization_id, id__in=linked).first() if linked else None
    if other is None:
        return
    theirs = await PlanTemplate.get(organization_id=organization_id, id=other.plan_template_id)
    mine = (template.bill_frequency, template.bill_frequency_interval)
    if mine != (theirs.bill_frequency, theirs.bill_frequency_interval):
        problems.add(
            "planId",
            ErrorCode.INVALID,
            f"plan {plan.code} bills {mine[0]} every {mine[1]}, unlike the group's other plans",
        )


async def delete_plan_group_link(organization_id: uuid.UUID, link_id: uuid.UUID, *, version: int) -> None:
    """Affects unlocked bills at their next calculation only (SEMANTICS §10.2 rule 6)."""
    await delete_versioned(PlanGroupLink, organization_id, link_id, version)
