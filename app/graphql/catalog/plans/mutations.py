"""Root mutations: create, update and delete plan templates, plans and pricings. Each
converts its input to plain data and calls one service; refusals become userErrors."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.catalog.plans.inputs import (
    CreatePlanInput,
    CreatePlanTemplateInput,
    CreatePricingInput,
    UpdatePlanInput,
    UpdatePlanTemplateInput,
    UpdatePricingInput,
)
from app.graphql.catalog.plans.types import Plan, PlanTemplate, Pricing
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services.catalog import plans as service


@strawberry.type(description="Result of a plan template mutation.")
class PlanTemplatePayload:
    plan_template: PlanTemplate | None = strawberry.field(description="The plan template after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a plan mutation.")
class PlanPayload:
    plan: Plan | None = strawberry.field(description="The plan after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a pricing mutation.")
class PricingPayload:
    pricing: Pricing | None = strawberry.field(description="The pricing after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class PlanMutation:
    @strawberry.mutation(
        description="Create a plan template, optionally with its pricings and plans (each with pricings), "
        "all or nothing.",
        extensions=authorize("config:create", "planTemplate"),
    )
    async def create_plan_template(self, info: Info, input: CreatePlanTemplateInput) -> PlanTemplatePayload:
        p = info.context.require_principal()
        return await respond(
            PlanTemplatePayload,
            "plan_template",
            lambda: service.create_plan_template(p.organization_id, input.to_command(), p.actor),
            PlanTemplate.of,
        )

    @strawberry.mutation(
        description="Change a plan template; its plans follow.",
        extensions=authorize("config:update", "planTemplate", input_item()),
    )
    async def update_plan_template(self, info: Info, input: UpdatePlanTemplateInput) -> PlanTemplatePayload:
        p = info.context.require_principal()
        return await respond(
            PlanTemplatePayload,
            "plan_template",
            lambda: service.update_plan_template(p.organization_id, input.to_command(), p.actor),
            PlanTemplate.of,
        )

    @strawberry.mutation(
        description="Delete a plan template without plans or pricings.",
        extensions=authorize("config:delete", "planTemplate", input_item()),
    )
    async def delete_plan_template(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: service.delete_plan_template(org, parse_id(input.id), version=input.version), input.id
        )

    @strawberry.mutation(
        description="Create a plan from a template, optionally with its pricings, all or nothing.",
        extensions=authorize("config:create", "plan"),
    )
    async def create_plan(self, info: Info, input: CreatePlanInput) -> PlanPayload:
        p = info.context.require_principal()
        return await respond(
            PlanPayload,
            "plan",
            lambda: service.create_plan(p.organization_id, input.to_command(), p.actor),
            Plan.of,
        )

    @strawberry.mutation(
        description="Change a plan; overrides set to null read through to the template.",
        extensions=authorize("config:update", "plan", input_item()),
    )
    async def update_plan(self, info: Info, input: UpdatePlanInput) -> PlanPayload:
        p = info.context.require_principal()
        return await respond(
            PlanPayload,
            "plan",
            lambda: service.update_plan(p.organization_id, input.to_command(), p.actor),
            Plan.of,
        )

    @strawberry.mutation(
        description="Delete a plan without pricings, account plans or commitments.",
        extensions=authorize("config:delete", "plan", input_item()),
    )
    async def delete_plan(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: service.delete_plan(org, parse_id(input.id), version=input.version), input.id
        )

    @strawberry.mutation(
        description="Create a pricing of a plan or plan template.", extensions=authorize("config:create", "pricing")
    )
    async def create_pricing(self, info: Info, input: CreatePricingInput) -> PricingPayload:
        p = info.context.require_principal()
        return await respond(
            PricingPayload,
            "pricing",
            lambda: service.create_pricing(p.organization_id, input.to_command(), p.actor),
            Pricing.of,
        )

    @strawberry.mutation(
        description="Change a pricing; it may not come to overlap another of the same plan, aggregation and segment.",
        extensions=authorize("config:update", "pricing", input_item()),
    )
    async def update_pricing(self, info: Info, input: UpdatePricingInput) -> PricingPayload:
        p = info.context.require_principal()
        return await respond(
            PricingPayload,
            "pricing",
            lambda: service.update_pricing(p.organization_id, input.to_command(), p.actor),
            Pricing.of,
        )

    @strawberry.mutation(
        description="Delete a pricing.", extensions=authorize("config:delete", "pricing", input_item())
    )
    async def delete_pricing(self, info: Info, input: DeleteInput) -> DeletePayload:
        org = info.context.require_principal().organization_id
        return await respond_deleted(
            lambda: service.delete_pricing(org, parse_id(input.id), version=input.version), input.id
        )
