"""Root mutations: create, update and delete counters, counter pricings and counter
adjustments. Each converts its input to a command and calls one service; refusals become
userErrors."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.counters.inputs import (
    CreateCounterAdjustmentInput,
    CreateCounterInput,
    CreateCounterPricingInput,
    UpdateCounterAdjustmentInput,
    UpdateCounterInput,
    UpdateCounterPricingInput,
)
from app.graphql.counters.types import Counter, CounterAdjustment, CounterPricing
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services.counters import adjustments, counters, pricings


@strawberry.type(description="Result of a counter mutation.")
class CounterPayload:
    counter: Counter | None = strawberry.field(description="The counter after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a counter pricing mutation.")
class CounterPricingPayload:
    counter_pricing: CounterPricing | None = strawberry.field(description="The counter pricing after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a counter adjustment mutation.")
class CounterAdjustmentPayload:
    counter_adjustment: CounterAdjustment | None = strawberry.field(description="The adjustment after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class CounterMutation:
    @strawberry.mutation(description="Create a counter.", extensions=authorize("config:create", "counter"))
    async def create_counter(self, info: Info, input: CreateCounterInput) -> CounterPayload:
        p = info.context.require_principal()
        return await respond(
            CounterPayload,
            "counter",
            lambda: counters.create_counter(p.organization_id, input.to_command(), p.actor),
            Counter.of,
        )

    @strawberry.mutation(
        description="Change a counter's code, name or unit.",
        extensions=authorize("config:update", "counter", input_item()),
    )
    async def update_counter(self, info: Info, input: UpdateCounterInput) -> CounterPayload:
        p = info.context.require_principal()
        return await respond(
            CounterPayload,
            "counter",
            lambda: counters.update_counter(p.organization_id, input.to_command(), p.actor),
            Counter.of,
        )

    @strawberry.mutation(
        description="Delete a counter without pricings or adjustments.",
        extensions=authorize("config:delete", "counter", input_item()),
    )
    async def delete_counter(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: counters.delete_counter(org, parse_id(input.id), version=input.version), input.id
        )

    @strawberry.mutation(
        description="Create a counter pricing of a plan or plan template.",
        extensions=authorize("config:create", "counterPricing"),
    )
    async def create_counter_pricing(self, info: Info, input: CreateCounterPricingInput) -> CounterPricingPayload:
        p = info.context.require_principal()
        return await respond(
            CounterPricingPayload,
            "counter_pricing",
            lambda: pricings.create_counter_pricing(p.organization_id, input.to_command(), p.actor),
            CounterPricing.of,
        )

    @strawberry.mutation(
        description="Change a counter pricing; it may not come to overlap another of the same owner and counter.",
        extensions=authorize("config:update", "counterPricing", input_item()),
    )
    async def update_counter_pricing(self, info: Info, input: UpdateCounterPricingInput) -> CounterPricingPayload:
        p = info.context.require_principal()
        return await respond(
            CounterPricingPayload,
            "counter_pricing",
            lambda: pricings.update_counter_pricing(p.organization_id, input.to_command(), p.actor),
            CounterPricing.of,
        )

    @strawberry.mutation(
        description="Delete a counter pricing.", extensions=authorize("config:delete", "counterPricing", input_item())
    )
    async def delete_counter_pricing(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: pricings.delete_counter_pricing(org, parse_id(input.id), version=input.version), input.id
        )

    @strawberry.mutation(
        description="Set an account's count of a counter from a date on; refused inside a locked range.",
        extensions=authorize("config:create", "counterAdjustment"),
    )
    async def create_counter_adjustment(
        self, info: Info, input: CreateCounterAdjustmentInput
    ) -> CounterAdjustmentPayload:
        p = info.context.require_principal()
        return await respond(
            CounterAdjustmentPayload,
            "counter_adjustment",
            lambda: adjustments.create_counter_adjustment(p.organization_id, input.to_command(), p.actor),
            CounterAdjustment.of,
        )

    @strawberry.mutation(
        description="Change an adjustment's date, value or purchase order number; refused inside a locked range.",
        extensions=authorize("config:update", "counterAdjustment", input_item()),
    )
    async def update_counter_adjustment(
        self, info: Info, input: UpdateCounterAdjustmentInput
    ) -> CounterAdjustmentPayload:
        p = info.context.require_principal()
        return await respond(
            CounterAdjustmentPayload,
            "counter_adjustment",
            lambda: adjustments.update_counter_adjustment(p.organization_id, input.to_command(), p.actor),
            CounterAdjustment.of,
        )

    @strawberry.mutation(
        description="Delete an adjustment; refused inside a locked range.",
        extensions=authorize("config:delete", "counterAdjustment", input_item()),
    )
    async def delete_counter_adjustment(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: adjustments.delete_counter_adjustment(org, parse_id(input.id), version=input.version), input.id
        )
