"""Root queries of plan groups: a filtered connection, and one by id or code."""

from __future__ import annotations

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.inputs import filter_id, filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.graphql.plan_groups.types import PlanGroup, PlanGroupLink
from app.models import plan_groups as m

READ = "config:retrieve"


@strawberry.input(description="Narrows the plan group list; every given criterion must hold.")
class PlanGroupFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only groups bespoke to this account."
    )


@strawberry.input(description="Narrows the plan group link list; every given criterion must hold.")
class PlanGroupLinkFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    plan_group_id: strawberry.ID | None = strawberry.field(default=None, description="Only links of this group.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Only links of this plan.")


def filter_links(query: QuerySet, flt: PlanGroupLinkFilter | None) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if flt.plan_group_id is not None:
        query = query.filter(plan_group_id=filter_id(flt.plan_group_id, "planGroupId"))
    if flt.plan_id is not None:
        query = query.filter(plan_id=filter_id(flt.plan_id, "planId"))
    return query


def filter_plan_groups(query: QuerySet, flt: PlanGroupFilter | None) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if flt.codes is not None:
        query = query.filter(code__in=flt.codes)
    if flt.account_id is not None:
        query = query.filter(account_id=filter_id(flt.account_id, "accountId"))
    return query


@strawberry.type
class PlanGroupQuery:
    @strawberry.field(description="Plan groups of the organization, by code.", extensions=authorize(READ, "planGroup"))
    async def plan_groups(
        self, info: Info, first: int | None = None, after: str | None = None, filter: PlanGroupFilter | None = None
    ) -> Connection[PlanGroup]:
        query = filter_plan_groups(m.PlanGroup.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, PlanGroup.of, order_by=("code",))

    @strawberry.field(description="One plan group by id or code.", extensions=authorize(READ, "planGroup"))
    async def plan_group(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> PlanGroup | None:
        found = await by_id_or_code(m.PlanGroup.filter(organization_id=info.context.organization_id), id, code)
        return PlanGroup.of(found) if found else None

    @strawberry.field(
        description="Links of plans to plan groups, oldest first.", extensions=authorize(READ, "planGroupLink")
    )
    async def plan_group_links(
        self, info: Info, first: int | None = None, after: str | None = None, filter: PlanGroupLinkFilter | None = None
    ) -> Connection[PlanGroupLink]:
        query = filter_links(m.PlanGroupLink.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, PlanGroupLink.of, order_by=("dt_created",))

    @strawberry.field(description="One plan group link by id.", extensions=authorize(READ, "planGroupLink"))
    async def plan_group_link(self, info: Info, id: strawberry.ID) -> PlanGroupLink | None:
        found = await by_id_or_code(m.PlanGroupLink.filter(organization_id=info.context.organization_id), id, None)
        return PlanGroupLink.of(found) if found else None
