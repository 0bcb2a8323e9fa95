"""Output types: PlanTemplate, Plan and Pricing (PricingBand and the enums: `bands`).

A Plan shows **effective** values under m3ter's names: an override when the plan sets one,
else the template's value, read live through a per-request template loader (currency,
frequency, intervals and offset always come from the template). `overriddenFields` says
which values are the plan's own.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from app.domain.catalog.pricing import OVERRIDE_COLUMNS
from app.domain.catalog.pricing import PricingType as DomainPricingType
from app.domain.periods import BillFrequency as DomainBillFrequency
from app.graphql.catalog.plans.bands import BillFrequency, PricingBand, PricingType
from app.graphql.context import Info
from app.graphql.loaders import children_by, load_then, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.graphql.prefetch import lookahead
from app.graphql.prefetch.nodes import RowNode, enum_column, from_row, id_from_row, row_type
from app.models import catalog as m

if TYPE_CHECKING:
    from app.graphql.counters import CounterPricing

TEMPLATE_BY_ID = one_by_id(m.PlanTemplate)
PLAN_BY_ID = one_by_id(m.Plan)
AGGREGATION_BY_ID = one_by_id(m.Aggregation)
COMPOUND_BY_ID = one_by_id(m.CompoundAggregation)
METERS = "app.graphql.catalog.meters"
COUNTERS = "app.graphql.counters"
PLANS_BY_TEMPLATE = children_by(m.Plan, "plan_template_id", ("code", "id"))
PRICINGS_BY_TEMPLATE = children_by(m.Pricing, "plan_template_id", ("start_date", "id"))
PRICINGS_BY_PLAN = children_by(m.Pricing, "plan_id", ("start_date", "id"))
# GraphQL names of the Plan fields that read through to the template (`_from_template`).
TEMPLATE_FIELDS: list[str] = []

lookahead.children(m.PlanTemplate, "plans", PLANS_BY_TEMPLATE, m.Plan)
lookahead.children(m.PlanTemplate, "pricings", PRICINGS_BY_TEMPLATE, m.Pricing)
lookahead.children(m.Plan, "pricings", PRICINGS_BY_PLAN, m.Pricing)
lookahead.parent(m.Pricing, ["plan"], PLAN_BY_ID, m.Plan, "plan_id")
lookahead.parent(m.Pricing, ["planTemplate"], TEMPLATE_BY_ID, m.PlanTemplate, "plan_template_id")
lookahead.parent(m.Pricing, ["aggregation"], AGGREGATION_BY_ID, m.Aggregation, "aggregation_id")
lookahead.parent(m.Pricing, ["compoundAggregation"], COMPOUND_BY_ID, m.CompoundAggregation, "compound_aggregation_id")


@row_type(
    description=(
        "A template of plans of one product: currency, bill frequency, standing charge and "
        "minimum spend, plus pricings every plan of it inherits."
    )
)
class PlanTemplate(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the plan template.")
    version: int = from_row(description="Incremented by every update.")
    product_id: strawberry.ID = id_from_row(description="The product whose plans this template makes (never changes).")
    code: str = from_row(description="Unique code.")
    name: str = from_row(description="Display name.")
    currency: str = from_row(description="Pricing currency code.")
    bill_frequency: BillFrequency = from_row(
        enum_column(DomainBillFrequency, "bill_frequency"), description="DAILY, WEEKLY, MONTHLY or ANNUALLY."
    )
    bill_frequency_interval: int = from_row(description="Bills every this many frequency units (1–365).")
    standing_charge: Decimal = from_row(description="Fixed charge per standing-charge interval (≥ 0).")
    standing_charge_description: str | None = from_row(description="Line item text of the standing charge.")
    standing_charge_interval: int = from_row(description="Bill periods per standing charge (1–365).")
    standing_charge_offset: int = from_row(description="Bill periods before the first standing charge (0–364).")
    standing_charge_bill_in_advance: bool | None = from_row(
        description="Standing charge billed in advance; null: the organization's default."
    )
    minimum_spend: Decimal = from_row(description="Minimum spend per bill period (≥ 0).")
    minimum_spend_description: str | None = from_row(description="Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = from_row(
        description="Minimum spend billed in advance; null: the organization's default."
    )
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.PlanTemplate]

    @strawberry.field(description="Plans made from this template.")
    def plans(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Plan]:
        return load_then(
            info, PLANS_BY_TEMPLATE, self._row.id, lambda rows: connection_of_list(rows, first, after, Plan.of)
        )

    @strawberry.field(
        description=(
            "Pricings of this template, used by its plans unless a plan prices the same aggregation and segment itself."
        )
    )
    def pricings(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Pricing]:
        return load_then(
            info, PRICINGS_BY_TEMPLATE, self._row.id, lambda rows: connection_of_list(rows, first, after, Pricing.of)
        )

    @strawberry.field(
        description="Counter pricings of this template, used by its plans unless a plan prices the counter."
    )
    async def counter_pricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[CounterPricing, strawberry.lazy(COUNTERS)]]:
        from app.graphql.counters.types import owned_counter_pricings

        return await owned_counter_pricings(info, self._row.id, True, first, after)


def _from_template(column: str, kind: Any, description: str, *, overridable: bool) -> Any:
    """A Plan field read from its template (live), or from the plan's override when set."""
    TEMPLATE_FIELDS.append(to_camel_case(column))

    def resolve(root: Any, info: Info) -> Any:
        own = getattr(root._row, column) if overridable else None
        if own is not None:
            return own
        return load_then(info, TEMPLATE_BY_ID, root._row.plan_template_id, lambda template: getattr(template, column))

    resolve.__annotations__ = {**resolve.__annotations__, "return": kind}
    return strawberry.field(resolver=resolve, description=description)


@row_type(
    description=(
        "A plan made from a template; what accounts are attached to. Values it does not override "
        "read through to the template."
    )
)
class Plan(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the plan.")
    version: int = from_row(description="Incremented by every update.")
    plan_template_id: strawberry.ID = id_from_row(description="The template this plan is made from (never changes).")
    product_id: strawberry.ID = id_from_row(description="The template's product.")
    code: str = from_row(description="Unique code.")
    name: str = from_row(description="Display name.")
    account_id: strawberry.ID | None = id_from_row(
        description="The one account this bespoke plan may be attached to; null: any account."
    )
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[Any]

    currency = _from_template("currency", str, "The template's pricing currency.", overridable=False)
    bill_frequency = _from_template(
        "bill_frequency", BillFrequency, "The template's bill frequency.", overridable=False
    )
    bill_frequency_interval = _from_template(
        "bill_frequency_interval", int, "The template's bill frequency interval.", overridable=False
    )
    standing_charge_interval = _from_template(
        "standing_charge_interval", int, "The template's standing-charge interval.", overridable=False
    )
    standing_charge_offset = _from_template(
        "standing_charge_offset", int, "The template's standing-charge offset.", overridable=False
    )
    standing_charge = _from_template(
        "standing_charge",
        Decimal,
        "Effective standing charge: the plan's override, else the template's.",
        overridable=True,
    )
    standing_charge_description = _from_template(
        "standing_charge_description", str | None, "Effective standing-charge description.", overridable=True
    )
    standing_charge_bill_in_advance = _from_template(
        "standing_charge_bill_in_advance",
        bool | None,
        "Effective standing-charge timing; null: the organization's default.",
        overridable=True,
    )
    minimum_spend = _from_template(
        "minimum_spend", Decimal, "Effective minimum spend: the plan's override, else the template's.", overridable=True
    )
    minimum_spend_description = _from_template(
        "minimum_spend_description", str | None, "Effective minimum-spend description.", overridable=True
    )
    minimum_spend_bill_in_advance = _from_template(
        "minimum_spend_bill_in_advance",
        bool | None,
        "Effective minimum-spend timing; null: the organization's default.",
        overridable=True,
    )

    @strawberry.field(
        description=(
            "Which of the values above the plan sets itself (e.g. standingCharge); the others read "
            "through to the template."
        )
    )
    def overridden_fields(self) -> list[str]:
        return [key for key, column in OVERRIDE_COLUMNS.items() if getattr(self._row, column) is not None]

    @strawberry.field(description="The template this plan is made from.")
    def plan_template(self, info: Info) -> PlanTemplate | None:
        return load_then(info, TEMPLATE_BY_ID, self._row.plan_template_id, PlanTemplate.of_or_none)

    @strawberry.field(
        description=(
            "Pricings of this plan; they take precedence over the template's for the same aggregation and segment."
        )
    )
    def pricings(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Pricing]:
        return load_then(
            info, PRICINGS_BY_PLAN, self._row.id, lambda rows: connection_of_list(rows, first, after, Pricing.of)
        )

    @strawberry.field(description="Counter pricings of this plan; they take precedence over the template's.")
    async def counter_pricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[CounterPricing, strawberry.lazy(COUNTERS)]]:
        from app.graphql.counters.types import owned_counter_pricings

        return await owned_counter_pricings(info, self._row.id, False, first, after)


@row_type(
    description=(
        "What a plan or plan template charges for one aggregation or compound aggregation from "
        "startDate (inclusive) to endDate (exclusive)."
    )
)
class Pricing(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the pricing.")
    version: int = from_row(description="Incremented by every update.")
    code: str | None = from_row(description="Optional code, unique among pricings.")
    description: str | None = from_row(description="Line item text.")
    plan_id: strawberry.ID | None = id_from_row(description="The plan priced (or null when a template is).")
    plan_template_id: strawberry.ID | None = id_from_row(
        description="The plan template priced (or null when a plan is)."
    )
    aggregation_id: strawberry.ID | None = id_from_row(
        description="The aggregation priced (or null when a compound aggregation is)."
    )
    compound_aggregation_id: strawberry.ID | None = id_from_row(
        description="The compound aggregation priced (or null)."
    )
    product_id: strawberry.ID = id_from_row(description="The product of the plan or template.")
    start_date: datetime = from_row(description="First instant the pricing applies (inclusive).")
    end_date: datetime | None = from_row(
        description="Instant the pricing stops applying (exclusive); null: open-ended."
    )
    pricing_bands: list[PricingBand] = from_row(
        lambda row: PricingBand.list_of(row.pricing_bands), description="Bands in ascending lowerLimit, the first at 0."
    )
    overage_pricing_bands: list[PricingBand] = from_row(
        lambda row: PricingBand.list_of(row.overage_pricing_bands),
        description="Bands for usage beyond a commitment (cumulative, not spanning the plan).",
    )
    cumulative: bool = from_row(
        description="true: tiered (each band prices its own units); false: volume (all units at one band's price)."
    )
    tiers_span_plan: bool = from_row(
        description="Band positions count the units of earlier periods of the account plan."
    )
    type: PricingType = from_row(
        enum_column(DomainPricingType, "type"), description="DEBIT, PRODUCT_CREDIT or GLOBAL_CREDIT."
    )
    segment: JSON | None = from_row(
        description="The aggregation segment priced (field code → value), for segmented aggregations."
    )
    minimum_spend: Decimal = from_row(description="Minimum spend of this pricing per bill period (≥ 0).")
    minimum_spend_description: str | None = from_row(description="Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = from_row(
        description="Minimum spend billed in advance; null: the organization's default."
    )
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.Pricing]

    @strawberry.field(description="The plan priced, when a plan is.")
    def plan(self, info: Info) -> Plan | None:
        key = self._row.plan_id
        return None if key is None else load_then(info, PLAN_BY_ID, key, Plan.of_or_none)

    @strawberry.field(description="The plan template priced, when a template is.")
    def plan_template(self, info: Info) -> PlanTemplate | None:
        key = self._row.plan_template_id
        return None if key is None else load_then(info, TEMPLATE_BY_ID, key, PlanTemplate.of_or_none)

    @strawberry.field(description="The aggregation priced, when an aggregation is.")
    def aggregation(self, info: Info) -> Annotated[Aggregation, strawberry.lazy(METERS)] | None:
        key = self._row.aggregation_id
        return None if key is None else load_then(info, AGGREGATION_BY_ID, key, Aggregation.of_or_none)

    @strawberry.field(description="The compound aggregation priced, when one is.")
    def compound_aggregation(self, info: Info) -> Annotated[CompoundAggregation, strawberry.lazy(METERS)] | None:
        key = self._row.compound_aggregation_id
        return None if key is None else load_then(info, COMPOUND_BY_ID, key, CompoundAggregation.of_or_none)


# Here, once `Plan` has declared its `_from_template` fields.
lookahead.parent(m.Plan, ("planTemplate", *TEMPLATE_FIELDS), TEMPLATE_BY_ID, m.PlanTemplate, "plan_template_id")

# Last, as the meter types read these ones: imported once here rather than inside the
# resolvers, which run for every pricing of a catalog read.
from app.graphql.catalog.meters.types import Aggregation, CompoundAggregation  # noqa: E402
