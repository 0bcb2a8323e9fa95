"""Root queries of meters, aggregations and compound aggregations."""

from __future__ import annotations

import strawberry

from app.domain.ids import as_uuid
from app.graphql.authorization import authorize
from app.graphql.catalog.filters import CatalogFilter, apply_catalog_filter
from app.graphql.catalog.meters.types import Aggregation, CompoundAggregation, Meter
from app.graphql.context import Info
from app.graphql.lookups import one_with_prefetch
from app.graphql.pagination import Connection, paginate
from app.graphql.prefetch import lookahead
from app.models import catalog as m

READ = "config:retrieve"


@strawberry.type
class MeterQuery:
    @strawberry.field(description="Meters of the organization, by code.", extensions=authorize(READ, "meter"))
    async def meters(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CatalogFilter | None = None
    ) -> Connection[Meter]:
        query = apply_catalog_filter(m.Meter.filter(organization_id=info.context.organization_id), filter)
        return await paginate(
            query, first, after, Meter.of, order_by=("code",), prefetch=lookahead.page_prefetcher(info, m.Meter)
        )

    @strawberry.field(description="One meter by id or code.", extensions=authorize(READ, "meter"))
    async def meter(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Meter | None:
        found = await one_with_prefetch(m.Meter, info, id, code)
        return Meter.of(found) if found else None

    @strawberry.field(
        description="Aggregations of the organization, by code.", extensions=authorize(READ, "aggregation")
    )
    async def aggregations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CatalogFilter | None = None,
        meter_id: strawberry.ID | None = None,
    ) -> Connection[Aggregation]:
        query = apply_catalog_filter(m.Aggregation.filter(organization_id=info.context.organization_id), filter)
        if meter_id is not None:
            # A malformed id matches no meter rather than failing the query.
            parsed = as_uuid(meter_id)
            query = query.filter(meter_id=parsed) if parsed else query.filter(id__in=[])
        return await paginate(
            query,
            first,
            after,
            Aggregation.of,
            order_by=("code",),
            prefetch=lookahead.page_prefetcher(info, m.Aggregation),
        )

    @strawberry.field(description="One aggregation by id or code.", extensions=authorize(READ, "aggregation"))
    async def aggregation(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> Aggregation | None:
        found = await one_with_prefetch(m.Aggregation, info, id, code)
        return Aggregation.of(found) if found else None

    @strawberry.field(
        description="Compound aggregations of the organization, by code.",
        extensions=authorize(READ, "compoundAggregation"),
    )
    async def compound_aggregations(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CatalogFilter | None = None
    ) -> Connection[CompoundAggregation]:
        query = apply_catalog_filter(m.CompoundAggregation.filter(organization_id=info.context.organization_id), filter)
        return await paginate(
            query,
            first,
            after,
            CompoundAggregation.of,
            order_by=("code",),
            prefetch=lookahead.page_prefetcher(info, m.CompoundAggregation),
        )

    @strawberry.field(
        description="One compound aggregation by id or code.", extensions=authorize(READ, "compoundAggregation")
    )
    async def compound_aggregation(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> CompoundAggregation | None:
        found = await one_with_prefetch(m.CompoundAggregation, info, id, code)
        return CompoundAggregation.of(found) if found else None
