"""SEMANTICS §10.2 rule 3: no two active group account plans of an account contain the same
product (whatever `allowOverlappingPlans` says); a group against a direct plan of that
product follows §5.2. A refusal names the colliding account plan and the product."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from app.domain.accounts.account_plans import overlaps
from app.models.accounts import AccountPlan
from app.models.catalog import Product
from app.models.organization import OrganizationConfig
from app.models.plan_groups import PlanGroupLink


async def group_collision(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    products: Collection[uuid.UUID],
    start: datetime,
    end: datetime | None,
    exclude_id: uuid.UUID | None = None,
    *,
    attaching_group: bool = True,
) -> str | None:
    """Why attaching these products over [start, end) collides, or None. Two groups never
    share a product; a group and a direct plan (either being attached) follow §5.2, so
    they may when the organization allows overlapping plans."""
    if not products:
        return None
    others = [
        ap
        for ap in await AccountPlan.filter(organization_id=organization_id, account_id=account_id).order_by(
            "start_date", "id"
        )
        if ap.id != exclude_id and overlaps(start, end, ap.start_date, ap.end_date)
    ]
    group_ids = [ap.plan_group_id for ap in others if ap.plan_group_id is not None]
    links = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id__in=group_ids)
    in_group: dict[uuid.UUID, set[uuid.UUID]] = {}
    for link in links:
        in_group.setdefault(link.plan_group_id, set()).add(link.product_id)
    config = await OrganizationConfig.get(organization_id=organization_id)
    for other in others:
        if other.plan_group_id is not None and (attaching_group or not config.allow_overlapping_plans):
            shared = in_group.get(other.plan_group_id, set()) & set(products)
        elif other.plan_group_id is not None:
            shared = set()
        elif not attaching_group:
            shared = set()  # direct against direct: checked by the account plan rules (§5.2)
        elif not config.allow_overlapping_plans and other.product_id is not None and other.product_id in products:
            shared = {other.product_id}
        else:
            shared = set()
        if shared:
            return await _named(organization_id, other, min(shared, key=str))
    return None


async def _named(organization_id: uuid.UUID, other: AccountPlan, product_id: uuid.UUID) -> str:
    product = await Product.filter(organization_id=organization_id, id=product_id).first()
    label = other.code or str(other.id)
    return f"overlaps account plan {label} ({other.id}) for product {product.code if product else product_id}"
