"""Mutations of meters, aggregations and compound aggregations: each converts its input
to plain data and calls one service; refusals come back as userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from app.graphql.authorization import authorize
from app.graphql.catalog.meters.inputs import (
    CreateAggregationInput,
    CreateCompoundAggregationInput,
    CreateMeterInput,
    UpdateAggregationInput,
    UpdateCompoundAggregationInput,
    UpdateMeterInput,
)
from app.graphql.catalog.meters.types import Aggregation, CompoundAggregation, Meter
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services.catalog import meters as service


@strawberry.type(description="Result of a meter mutation.")
class MeterPayload:
    meter: Meter | None = strawberry.field(description="The meter after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of an aggregation mutation.")
class AggregationPayload:
    aggregation: Aggregation | None = strawberry.field(description="The aggregation after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a compound aggregation mutation.")
class CompoundAggregationPayload:
    compound_aggregation: CompoundAggregation | None = strawberry.field(
        description="The compound aggregation after the change."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


async def _delete(info: Info, input: DeleteInput, delete: Callable[..., Awaitable[None]]) -> DeletePayload:
    org = info.context.require_principal().organization_id
    return await respond_deleted(lambda: delete(org, parse_id(input.id), version=input.version), input.id)


@strawberry.type
class MeterMutation:
    @strawberry.mutation(
        description="Create a meter, optionally with its aggregations (all or nothing).",
        extensions=authorize("config:create", "meter"),
    )
    async def create_meter(self, info: Info, input: CreateMeterInput) -> MeterPayload:
        p = info.context.require_principal()
        return await respond(
            MeterPayload,
            "meter",
            lambda: service.create_meter(p.organization_id, input.to_command(), actor=p.actor),
            Meter.of,
        )

    @strawberry.mutation(
        description="Change a meter; refused when an aggregation would lose its field.",
        extensions=authorize("config:update", "meter", input_item()),
    )
    async def update_meter(self, info: Info, input: UpdateMeterInput) -> MeterPayload:
        p = info.context.require_principal()
        return await respond(
            MeterPayload,
            "meter",
            lambda: service.update_meter(p.organization_id, input.to_command(), actor=p.actor),
            Meter.of,
        )

    @strawberry.mutation(
        description="Delete a meter that no aggregation uses.",
        extensions=authorize("config:delete", "meter", input_item()),
    )
    async def delete_meter(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, input, service.delete_meter)

    @strawberry.mutation(
        description="Create an aggregation over a meter's field.", extensions=authorize("config:create", "aggregation")
    )
    async def create_aggregation(self, info: Info, input: CreateAggregationInput) -> AggregationPayload:
        p = info.context.require_principal()
        return await respond(
            AggregationPayload,
            "aggregation",
            lambda: service.create_aggregation(p.organization_id, input.to_command(), actor=p.actor),
            Aggregation.of,
        )

    @strawberry.mutation(
        description="Change an aggregation.", extensions=authorize("config:update", "aggregation", input_item())
    )
    async def update_aggregation(self, info: Info, input: UpdateAggregationInput) -> AggregationPayload:
        p = info.context.require_principal()
        return await respond(
            AggregationPayload,
            "aggregation",
            lambda: service.update_aggregation(p.organization_id, input.to_command(), actor=p.actor),
            Aggregation.of,
        )

    @strawberry.mutation(
        description="Delete an aggregation that no pricing or compound aggregation uses.",
        extensions=authorize("config:delete", "aggregation", input_item()),
    )
    async def delete_aggregation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, input, service.delete_aggregation)

    @strawberry.mutation(
        description="Create a compound aggregation.", extensions=authorize("config:create", "compoundAggregation")
    )
    async def create_compound_aggregation(
        self, info: Info, input: CreateCompoundAggregationInput
    ) -> CompoundAggregationPayload:
        p = info.context.require_principal()
        return await respond(
            CompoundAggregationPayload,
            "compound_aggregation",
            lambda: service.create_compound_aggregation(p.organization_id, input.to_command(), actor=p.actor),
            CompoundAggregation.of,
        )

    @strawberry.mutation(
        description="Change a compound aggregation.",
        extensions=authorize("config:update", "compoundAggregation", input_item()),
    )
    async def update_compound_aggregation(
        self, info: Info, input: UpdateCompoundAggregationInput
    ) -> CompoundAggregationPayload:
        p = info.context.require_principal()
        return await respond(
            CompoundAggregationPayload,
            "compound_aggregation",
            lambda: service.update_compound_aggregation(p.organization_id, input.to_command(), actor=p.actor),
            CompoundAggregation.of,
        )

    @strawberry.mutation(
        description="Delete a compound aggregation that no pricing uses.",
        extensions=authorize("config:delete", "compoundAggregation", input_item()),
    )
    async def delete_compound_aggregation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, input, service.delete_compound_aggregation)
