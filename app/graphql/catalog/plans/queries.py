"""Root queries: planTemplates, planTemplate, plans, plan, pricings, pricing."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.authorization import authorize
from app.graphql.catalog.filters import CatalogFilter, apply_catalog_filter
from app.graphql.catalog.plans.inputs import PlanFilter, PricingFilter
from app.graphql.catalog.plans.types import Plan, PlanTemplate, Pricing
from app.graphql.context import Info
from app.graphql.inputs import filter_id
from app.graphql.lookups import one_with_prefetch
from app.graphql.pagination import Connection, paginate
from app.graphql.prefetch import lookahead
from app.models import catalog as m

READ = "config:retrieve"


def _by_ids(query: QuerySet, flt: Any, names: dict[str, str]) -> QuerySet:
    """Filters `column = id` for each filter attribute → column given a value."""
    for attribute, column in names.items():
        value = getattr(flt, attribute)
        if value is not None:
            query = query.filter(**{column: filter_id(value, attribute)})
    return query


def _pricing_query(info: Info, flt: PricingFilter | None) -> QuerySet:
    query = m.Pricing.filter(organization_id=info.context.organization_id)
    if flt is None:
        return query
    query = apply_catalog_filter(query, CatalogFilter(ids=flt.ids, codes=flt.codes), has_product=False)
    return _by_ids(
        query,
        flt,
        {
            "plan_id": "plan_id",
            "plan_template_id": "plan_template_id",
            "aggregation_id": "aggregation_id",
            "compound_aggregation_id": "compound_aggregation_id",
            "product_id": "product_id",
        },
    )


@strawberry.type
class PlanQuery:
    @strawberry.field(
        description="Plan templates of the organization, by code.", extensions=authorize(READ, "planTemplate")
    )
    async def plan_templates(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CatalogFilter | None = None
    ) -> Connection[PlanTemplate]:
        query = apply_catalog_filter(m.PlanTemplate.filter(organization_id=info.context.organization_id), filter)
        return await paginate(
            query,
            first,
            after,
            PlanTemplate.of,
            order_by=("code",),
            prefetch=lookahead.page_prefetcher(info, m.PlanTemplate),
        )

    @strawberry.field(description="One plan template by id or code.", extensions=authorize(READ, "planTemplate"))
    async def plan_template(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> PlanTemplate | None:
        found = await one_with_prefetch(m.PlanTemplate, info, id, code)
        return PlanTemplate.of(found) if found else None

    @strawberry.field(description="Plans of the organization, by code.", extensions=authorize(READ, "plan"))
    async def plans(
        self, info: Info, first: int | None = None, after: str | None = None, filter: PlanFilter | None = None
    ) -> Connection[Plan]:
        query = apply_catalog_filter(m.Plan.filter(organization_id=info.context.organization_id), filter)
        if filter is not None:
            query = _by_ids(query, filter, {"plan_template_id": "plan_template_id", "account_id": "account_id"})
        return await paginate(
            query, first, after, Plan.of, order_by=("code",), prefetch=lookahead.page_prefetcher(info, m.Plan)
        )

    @strawberry.field(description="One plan by id or code.", extensions=authorize(READ, "plan"))
    async def plan(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Plan | None:
        found = await one_with_prefetch(m.Plan, info, id, code)
        return Plan.of(found) if found else None

    @strawberry.field(description="Pricings of the organization, by start date.", extensions=authorize(READ, "pricing"))
    async def pricings(
        self, info: Info, first: int | None = None, after: str | None = None, filter: PricingFilter | None = None
    ) -> Connection[Pricing]:
        return await paginate(
            _pricing_query(info, filter),
            first,
            after,
            Pricing.of,
            order_by=("start_date",),
            prefetch=lookahead.page_prefetcher(info, m.Pricing),
        )

    @strawberry.field(description="One pricing by id or code.", extensions=authorize(READ, "pricing"))
    async def pricing(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Pricing | None:
        found = await one_with_prefetch(m.Pricing, info, id, code)
        return Pricing.of(found) if found else None
