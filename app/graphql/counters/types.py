"""Output types of counters (SEMANTICS §8.1): Counter, CounterPricing, CounterAdjustment,
and the value of a counter at an instant."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.graphql.catalog.plans.bands import PricingBand
from app.graphql.context import Info
from app.graphql.entity_fields import optional_id
from app.graphql.loaders import children_by, load, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.models import accounts as account_models
from app.models import catalog as catalog_models
from app.models import counters as m

if TYPE_CHECKING:
    from app.graphql.accounts import Account
    from app.graphql.catalog.plans import Plan, PlanTemplate

COUNTER_BY_ID = one_by_id(m.Counter)
PLAN_BY_ID = one_by_id(catalog_models.Plan)
TEMPLATE_BY_ID = one_by_id(catalog_models.PlanTemplate)
ACCOUNT_BY_ID = one_by_id(account_models.Account)
PRICINGS_BY_COUNTER = children_by(m.CounterPricing, "counter_id", ("start_date", "id"))
COUNTERS_BY_PRODUCT = children_by(m.Counter, "product_id", ("code", "id"))
PRICINGS_BY_PLAN = children_by(m.CounterPricing, "plan_id", ("start_date", "id"))
PRICINGS_BY_TEMPLATE = children_by(m.CounterPricing, "plan_template_id", ("start_date", "id"))


@strawberry.type(description="A unit count per account (seats), billed each period like a sized standing charge.")
class Counter:
    id: strawberry.ID = strawberry.field(description="Id of the counter.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    unit: str = strawberry.field(description="Unit printed on the counter's bill lines.")
    product_id: strawberry.ID | None = strawberry.field(description="The product; null: a global counter.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="Counter pricings of this counter, by start date.")
    async def counter_pricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CounterPricing]:
        rows = await load(info, PRICINGS_BY_COUNTER, uuid.UUID(self.id))
        return connection_of_list(rows, first, after, CounterPricing.of)

    @classmethod
    def of(cls, row: m.Counter) -> Counter:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            code=row.code,
            name=row.name,
            unit=row.unit,
            product_id=optional_id(row.product_id),
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            last_modified_by=row.last_modified_by,
        )


@strawberry.type(
    description="What a plan or plan template charges for a counter from startDate (inclusive) to endDate "
    "(exclusive): running totals each period and adjustment lines when the count changes."
)
class CounterPricing:
    id: strawberry.ID = strawberry.field(description="Id of the counter pricing.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str | None = strawberry.field(description="Optional code, unique among counter pricings.")
    description: str | None = strawberry.field(description="Text of its bill lines.")
    plan_id: strawberry.ID | None = strawberry.field(description="The plan (or null when a template is priced).")
    plan_template_id: strawberry.ID | None = strawberry.field(description="The plan template (or null).")
    counter_id: strawberry.ID = strawberry.field(description="The counter priced.")
    product_id: strawberry.ID = strawberry.field(description="The product of the plan or template.")
    start_date: datetime = strawberry.field(description="First instant it applies (inclusive).")
    end_date: datetime | None = strawberry.field(description="Instant it stops applying (exclusive); null: open.")
    pricing_bands: list[PricingBand] = strawberry.field(description="Bands over the count, the first at 0.")
    cumulative: bool = strawberry.field(description="true: tiered; false: volume pricing of the count.")
    running_total_bill_in_advance: bool = strawberry.field(
        description="Running totals billed at the start of their period (true) or at its end."
    )
    pro_rate_running_total: bool = strawberry.field(description="Running totals prorated by active days.")
    pro_rate_adjustment_debit: bool = strawberry.field(description="Debit adjustments prorated by days left.")
    pro_rate_adjustment_credit: bool = strawberry.field(description="Credit adjustments prorated by days left.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The counter priced.")
    async def counter(self, info: Info) -> Counter | None:
        row = await load(info, COUNTER_BY_ID, uuid.UUID(self.counter_id))
        return Counter.of(row) if row else None

    @strawberry.field(description="The plan priced, when a plan is.")
    async def plan(self, info: Info) -> Annotated[Plan, strawberry.lazy("app.graphql.catalog.plans")] | None:
        from app.graphql.catalog.plans import Plan

        row = await load(info, PLAN_BY_ID, uuid.UUID(self.plan_id)) if self.plan_id else None
        return Plan.of(row) if row else None

    @strawberry.field(description="The plan template priced, when a template is.")
    async def plan_template(
        self, info: Info
    ) -> Annotated[PlanTemplate, strawberry.lazy("app.graphql.catalog.plans")] | None:
        from app.graphql.catalog.plans import PlanTemplate

        row = await load(info, TEMPLATE_BY_ID, uuid.UUID(self.plan_template_id)) if self.plan_template_id else None
        return PlanTemplate.of(row) if row else None

    @classmethod
    def of(cls, row: m.CounterPricing) -> CounterPricing:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            code=row.code,
            description=row.description,
            plan_id=optional_id(row.plan_id),
            plan_template_id=optional_id(row.plan_template_id),
            counter_id=strawberry.ID(str(row.counter_id)),
            product_id=strawberry.ID(str(row.product_id)),
            start_date=row.start_date,
            end_date=row.end_date,
            pricing_bands=PricingBand.list_of(row.pricing_bands),
            cumulative=row.cumulative,
            running_total_bill_in_advance=row.running_total_bill_in_advance,
            pro_rate_running_total=row.pro_rate_running_total,
            pro_rate_adjustment_debit=row.pro_rate_adjustment_debit,
            pro_rate_adjustment_credit=row.pro_rate_adjustment_credit,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            last_modified_by=row.last_modified_by,
        )


@strawberry.type(description="The absolute count of a counter for an account from a date on (not a delta).")
class CounterAdjustment:
    id: strawberry.ID = strawberry.field(description="Id of the adjustment.")
    version: int = strawberry.field(description="Incremented by every update.")
    counter_id: strawberry.ID = strawberry.field(description="The counter.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    date: dt.date = strawberry.field(description="Effective from this date's local midnight (organization timezone).")
    value: int = strawberry.field(description="The new absolute count (≥ 0).")
    purchase_order_number: str | None = strawberry.field(description="Purchase order number (≤ 100 characters).")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The counter.")
    async def counter(self, info: Info) -> Counter | None:
        row = await load(info, COUNTER_BY_ID, uuid.UUID(self.counter_id))
        return Counter.of(row) if row else None

    @strawberry.field(description="The account.")
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("app.graphql.accounts")] | None:
        from app.graphql.accounts import Account

        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @classmethod
    def of(cls, row: m.CounterAdjustment) -> CounterAdjustment:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            counter_id=strawberry.ID(str(row.counter_id)),
            account_id=strawberry.ID(str(row.account_id)),
            date=row.date,
            value=int(row.value),
            purchase_order_number=row.purchase_order_number,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            last_modified_by=row.last_modified_by,
        )


@strawberry.type(description="The count of a counter for an account at an instant.")
class CounterValue:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    counter_id: strawberry.ID = strawberry.field(description="The counter.")
    at: datetime = strawberry.field(description="The instant asked about.")
    value: int | None = strawberry.field(description="The count in effect then; null: no adjustment yet.")
    adjustment_id: strawberry.ID | None = strawberry.field(description="The adjustment that set it (read it by id).")
    adjustment_date: dt.date | None = strawberry.field(description="The date of that adjustment.")


async def product_counters(
    info: Info, product_id: uuid.UUID, first: int | None, after: str | None
) -> Connection[Counter]:
    """Product → counters (the product's own; global counters have no product)."""
    return connection_of_list(await load(info, COUNTERS_BY_PRODUCT, product_id), first, after, Counter.of)


async def owned_counter_pricings(
    info: Info, owner_id: uuid.UUID, template: bool, first: int | None, after: str | None
) -> Connection[CounterPricing]:
    """Plan or PlanTemplate → counterPricings."""
    rows = await load(info, PRICINGS_BY_TEMPLATE if template else PRICINGS_BY_PLAN, owner_id)
    return connection_of_list(rows, first, after, CounterPricing.of)
