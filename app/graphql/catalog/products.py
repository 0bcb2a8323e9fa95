"""Products and the catalog under them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.graphql.authorization import authorize
from app.graphql.catalog.filters import CatalogFilter, apply_catalog_filter
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import command_fields, parse_id, plain_data
from app.graphql.loaders import children_by, load_then
from app.graphql.lookups import input_item, one_with_prefetch
from app.graphql.organization import DeleteInput, DeletePayload
from app.graphql.pagination import Connection, connection_of_list, paginate
from app.graphql.prefetch import lookahead
from app.graphql.prefetch.nodes import RowNode, from_row, id_from_row, row_type
from app.models import catalog as m
from app.services.catalog import nested, products
from app.services.catalog.commands import CreateProduct, ProductFields, UpdateProduct

if TYPE_CHECKING:
    from app.graphql.catalog.meters import (
        Aggregation,
        CompoundAggregation,
        CreateCompoundAggregationInput,
        CreateMeterInput,
        Meter,
    )
    from app.graphql.catalog.plans import CreatePlanTemplateInput, Plan, PlanTemplate
    from app.graphql.counters import Counter, NestedCounterInput, NestedCounterPricingInput

METERS = "app.graphql.catalog.meters"
PLANS = "app.graphql.catalog.plans"
COUNTERS = "app.graphql.counters"
METERS_BY_PRODUCT = children_by(m.Meter, "product_id", ("code", "id"))
AGGREGATIONS_BY_PRODUCT = children_by(m.Aggregation, "product_id", ("code", "id"))
COMPOUNDS_BY_PRODUCT = children_by(m.CompoundAggregation, "product_id", ("code", "id"))
TEMPLATES_BY_PRODUCT = children_by(m.PlanTemplate, "product_id", ("code", "id"))
PLANS_BY_PRODUCT = children_by(m.Plan, "product_id", ("code", "id"))

lookahead.children(m.Product, "meters", METERS_BY_PRODUCT, m.Meter)
lookahead.children(m.Product, "aggregations", AGGREGATIONS_BY_PRODUCT, m.Aggregation)
lookahead.children(m.Product, "compoundAggregations", COMPOUNDS_BY_PRODUCT, m.CompoundAggregation)
lookahead.children(m.Product, "planTemplates", TEMPLATES_BY_PRODUCT, m.PlanTemplate)
lookahead.children(m.Product, "plans", PLANS_BY_PRODUCT, m.Plan)


@row_type(description="A container for meters, aggregations, plan templates, plans and pricings.")
class Product(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the product.")
    version: int = from_row(description="Incremented by every update.")
    code: str = from_row(description="Unique code.")
    name: str = from_row(description="Display name.")
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.Product]

    @strawberry.field(description="Meters of this product.")
    def meters(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Meter, strawberry.lazy(METERS)]]:
        from app.graphql.catalog.meters import Meter

        return load_then(
            info, METERS_BY_PRODUCT, self._row.id, lambda rows: connection_of_list(rows, first, after, Meter.of)
        )

    @strawberry.field(description="Aggregations of this product.")
    def aggregations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Aggregation, strawberry.lazy(METERS)]]:
        from app.graphql.catalog.meters import Aggregation

        return load_then(
            info,
            AGGREGATIONS_BY_PRODUCT,
            self._row.id,
            lambda rows: connection_of_list(rows, first, after, Aggregation.of),
        )

    @strawberry.field(description="Compound aggregations of this product.")
    def compound_aggregations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[CompoundAggregation, strawberry.lazy(METERS)]]:
        from app.graphql.catalog.meters import CompoundAggregation

        return load_then(
            info,
            COMPOUNDS_BY_PRODUCT,
            self._row.id,
            lambda rows: connection_of_list(rows, first, after, CompoundAggregation.of),
        )

    @strawberry.field(description="Plan templates of this product.")
    def plan_templates(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[PlanTemplate, strawberry.lazy(PLANS)]]:
        from app.graphql.catalog.plans import PlanTemplate

        return load_then(
            info,
            TEMPLATES_BY_PRODUCT,
            self._row.id,
            lambda rows: connection_of_list(rows, first, after, PlanTemplate.of),
        )

    @strawberry.field(description="Plans of this product.")
    def plans(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Plan, strawberry.lazy(PLANS)]]:
        from app.graphql.catalog.plans import Plan

        return load_then(
            info, PLANS_BY_PRODUCT, self._row.id, lambda rows: connection_of_list(rows, first, after, Plan.of)
        )

    @strawberry.field(description="Counters of this product (global counters belong to none).")
    async def counters(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Counter, strawberry.lazy(COUNTERS)]]:
        from app.graphql.counters.types import product_counters

        return await product_counters(info, self._row.id, first, after)


@strawberry.input(description="A new product, optionally with its whole catalog; all of it is created or none.")
class CreateProductInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    custom_fields: JSON | None = strawberry.field(default=None, description="Custom name → string or number map.")
    meters: list[Annotated[CreateMeterInput, strawberry.lazy(METERS)]] | None = strawberry.field(
        default=None, description="Meters of the product, each with its fields and aggregations (productId left out)."
    )
    compound_aggregations: list[Annotated[CreateCompoundAggregationInput, strawberry.lazy(METERS)]] | None = (
        strawberry.field(
            default=None, description="Compound aggregations over this input's aggregations and global ones."
        )
    )
    plan_templates: list[Annotated[CreatePlanTemplateInput, strawberry.lazy(PLANS)]] | None = strawberry.field(
        default=None, description="Plan templates with their pricings and plans; pricings name aggregations by code."
    )
    counters: list[Annotated[NestedCounterInput, strawberry.lazy(COUNTERS)]] | None = strawberry.field(
        default=None, description="Counters of the product (SEMANTICS §8.1; productId left out)."
    )
    counter_pricings: list[Annotated[NestedCounterPricingInput, strawberry.lazy(COUNTERS)]] | None = strawberry.field(
        default=None, description="Counter pricings of this input's plan templates or plans, counters by code."
    )


@strawberry.input(description="Product fields to change.")
class UpdateProductInput:
    id: strawberry.ID = strawberry.field(description="The product.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    custom_fields: JSON | None = strawberry.UNSET

    def to_command(self) -> UpdateProduct:
        changes = ProductFields(**command_fields(ProductFields, self))
        return UpdateProduct(parse_id(self.id), self.version, changes)


@strawberry.type(description="Result of a product mutation.")
class ProductPayload:
    product: Product | None = strawberry.field(description="The product after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class ProductQuery:
    @strawberry.field(description="Products of the organization.", extensions=authorize("config:retrieve", "product"))
    async def products(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CatalogFilter | None = None
    ) -> Connection[Product]:
        query = apply_catalog_filter(
            m.Product.filter(organization_id=info.context.organization_id), filter, has_product=False
        )
        return await paginate(
            query, first, after, Product.of, order_by=("code",), prefetch=lookahead.page_prefetcher(info, m.Product)
        )

    @strawberry.field(description="One product by id or code.", extensions=authorize("config:retrieve", "product"))
    async def product(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Product | None:
        found = await one_with_prefetch(m.Product, info, id, code)
        return Product.of(found) if found else None


@strawberry.type
class ProductMutation:
    @strawberry.mutation(
        description="Create a product, optionally with its whole catalog, all or nothing.",
        extensions=authorize("config:create", "product"),
    )
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        p = info.context.require_principal()
        return await respond(
            ProductPayload,
            "product",
            lambda: nested.create_product(
                p.organization_id, CreateProduct.from_input(plain_data(input)), actor=p.actor
            ),
            Product.of,
        )

    @strawberry.mutation(
        description="Change a product.", extensions=authorize("config:update", "product", input_item())
    )
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        p = info.context.require_principal()
        return await respond(
            ProductPayload,
            "product",
            lambda: products.update_product(p.organization_id, input.to_command(), actor=p.actor),
            Product.of,
        )

    @strawberry.mutation(
        description="Delete a product that holds nothing.",
        extensions=authorize("config:delete", "product", input_item()),
    )
    async def delete_product(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: products.delete_product(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )
