"""Root queries: counters, counter, counterPricings, counterPricing, counterAdjustments,
counterAdjustment and counterValue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.authorization import authorize, refuse_if_denied
from app.graphql.context import Info
from app.graphql.counters.inputs import CounterAdjustmentFilter, CounterFilter, CounterPricingFilter
from app.graphql.counters.types import Counter, CounterAdjustment, CounterPricing, CounterValue
from app.graphql.errors import or_bad_request
from app.graphql.inputs import filter_id, filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models import counters as m
from app.services.counters.values import counter_value

READ = "config:retrieve"


def _filtered(query: QuerySet, flt: Any, ids: dict[str, str]) -> QuerySet:
    """`ids`/`codes` when the filter has them, then `column = id` per attribute → input name."""
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if getattr(flt, "codes", None) is not None:
        query = query.filter(code__in=flt.codes)
    for attribute, name in ids.items():
        value = getattr(flt, attribute)
        if value is not None:
            query = query.filter(**{attribute: filter_id(value, name)})
    return query


@strawberry.type
class CounterQuery:
    @strawberry.field(description="Counters of the organization, by code.", extensions=authorize(READ, "counter"))
    async def counters(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CounterFilter | None = None
    ) -> Connection[Counter]:
        query = _filtered(
            m.Counter.filter(organization_id=info.context.organization_id), filter, {"product_id": "productId"}
        )
        return await paginate(query, first, after, Counter.of, order_by=("code",))

    @strawberry.field(description="One counter by id or code.", extensions=authorize(READ, "counter"))
    async def counter(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Counter | None:
        found = await by_id_or_code(m.Counter.filter(organization_id=info.context.organization_id), id, code)
        return Counter.of(found) if found else None

    @strawberry.field(
        description="Counter pricings of the organization, by start date.", extensions=authorize(READ, "counterPricing")
    )
    async def counter_pricings(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CounterPricingFilter | None = None
    ) -> Connection[CounterPricing]:
        names = {"counter_id": "counterId", "plan_id": "planId", "plan_template_id": "planTemplateId"}
        query = _filtered(m.CounterPricing.filter(organization_id=info.context.organization_id), filter, names)
        return await paginate(query, first, after, CounterPricing.of, order_by=("start_date",))

    @strawberry.field(description="One counter pricing by id or code.", extensions=authorize(READ, "counterPricing"))
    async def counter_pricing(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> CounterPricing | None:
        found = await by_id_or_code(m.CounterPricing.filter(organization_id=info.context.organization_id), id, code)
        return CounterPricing.of(found) if found else None

    @strawberry.field(
        description="Counter adjustments of the organization, by date.", extensions=authorize(READ, "counterAdjustment")
    )
    async def counter_adjustments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CounterAdjustmentFilter | None = None,
    ) -> Connection[CounterAdjustment]:
        query = m.CounterAdjustment.filter(organization_id=info.context.organization_id)
        query = _filtered(query, filter, {"counter_id": "counterId", "account_id": "accountId"})
        if filter is not None and filter.date_from is not None:
            query = query.filter(date__gte=filter.date_from)
        if filter is not None and filter.date_to is not None:
            query = query.filter(date__lt=filter.date_to)
        return await paginate(query, first, after, CounterAdjustment.of, order_by=("date",))

    @strawberry.field(description="One counter adjustment by id.", extensions=authorize(READ, "counterAdjustment"))
    async def counter_adjustment(self, info: Info, id: strawberry.ID) -> CounterAdjustment | None:
        found = await by_id_or_code(m.CounterAdjustment.filter(organization_id=info.context.organization_id), id, None)
        return CounterAdjustment.of(found) if found else None

    @strawberry.field(
        description="The count of a counter for an account at an instant: the latest adjustment dated on or "
        "before its local date (null value: none yet).",
        extensions=authorize(READ, "counterAdjustment"),
    )
    async def counter_value(
        self, info: Info, account_id: strawberry.ID, counter_id: strawberry.ID, at: datetime
    ) -> CounterValue:
        principal = info.context.require_principal()
        refuse_if_denied(principal, READ, "account", account_id)
        org = principal.organization_id
        found = await or_bad_request(lambda: counter_value(org, account_id, counter_id, at))
        return CounterValue(
            account_id=account_id,
            counter_id=counter_id,
            at=at,
            value=None if found is None else int(found.value),
            adjustment_id=None if found is None else strawberry.ID(str(found.id)),
            adjustment_date=None if found is None else found.date,
        )
