"""Plan groups on bills, the service side (SEMANTICS §10.2 rule 2).

`with_group_members` expands each account plan that attached a group into one account
plan per linked plan, with the group account plan's dates, epoch and child billing mode.
A member's id is derived from the group account plan and the plan (`member_id`, in the
domain), so the lines of earlier bills (tiersSpanPlan history) find it again; the returned
map tells the group step which members belong to which group.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.billing import Step
from app.domain.billing.plan_groups import GroupMember, PlanGroupSnapshot, member_id, plan_group_step
from app.models.accounts import AccountPlan
from app.models.plan_groups import PlanGroup, PlanGroupLink

__all__ = ["group_steps", "with_group_members"]


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def group_snapshot(group: PlanGroup, config: Any) -> PlanGroupSnapshot:
    return PlanGroupSnapshot(
        id=group.id,
        currency=group.currency,
        minimum_spend=group.minimum_spend,
        standing_charge=group.standing_charge,
        minimum_spend_description=group.minimum_spend_description,
        standing_charge_description=group.standing_charge_description,
        minimum_spend_bill_in_advance=bool(
            _first(group.minimum_spend_bill_in_advance, config.minimum_spend_bill_in_advance)
        ),
        standing_charge_bill_in_advance=bool(
            _first(group.standing_charge_bill_in_advance, config.standing_charge_bill_in_advance)
        ),
    )


async def with_group_members(
    organization_id: uuid.UUID, rows: Sequence[AccountPlan], config: Any
) -> tuple[list[AccountPlan], dict[uuid.UUID, GroupMember]]:
    grouped = [r for r in rows if r.plan_group_id is not None]
    if not grouped:
        return list(rows), {}
    group_ids = list({r.plan_group_id for r in grouped})
    groups = {g.id: g for g in await PlanGroup.filter(organization_id=organization_id, id__in=group_ids)}
    links: dict[Any, list[PlanGroupLink]] = {}
    for link in await PlanGroupLink.filter(organization_id=organization_id, plan_group_id__in=group_ids).order_by(
        "product_id", "id"
    ):
        links.setdefault(link.plan_group_id, []).append(link)
    expanded = [r for r in rows if r.plan_group_id is None]
    members: dict[uuid.UUID, GroupMember] = {}
    for row in grouped:
        group = groups.get(row.plan_group_id) if row.plan_group_id is not None else None
        if group is None:
            continue  # deleted meanwhile: nothing to bill with
        snapshot = group_snapshot(group, config)
        for link in links.get(group.id, []):
            member = copy.copy(row)
            member.id = member_id(row.id, link.plan_id)
            member.plan_id, member.product_id = link.plan_id, link.product_id
            expanded.append(member)
            members[member.id] = GroupMember(snapshot, row.id)
    return expanded, members


def group_steps(members: Mapping[uuid.UUID, GroupMember]) -> tuple[Step, ...]:
    return (plan_group_step(members),) if members else ()


async def group_products(
    organization_id: uuid.UUID, attachments: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(account, product) of each linked plan of the groups these (account, group) attach."""
    if not attachments:
        return set()
    links = await PlanGroupLink.filter(
        organization_id=organization_id, plan_group_id__in=list({g for _, g in attachments})
    ).values_list("plan_group_id", "product_id")
    products: dict[Any, set[Any]] = {}
    for group_id, product_id in links:
        products.setdefault(group_id, set()).add(product_id)
    return {(account, product) for account, group in attachments for product in products.get(group, ())}
