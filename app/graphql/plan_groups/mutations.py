"""Root mutations of plan groups and their links; the rules live in `app.services.plan_groups`."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import draft_of, parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.graphql.plan_groups.inputs import CreatePlanGroupInput, CreatePlanGroupLinkInput, UpdatePlanGroupInput
from app.graphql.plan_groups.types import PlanGroup, PlanGroupLink
from app.services import plan_groups as service
from app.services.plan_groups.commands import CreatePlanGroup, CreatePlanGroupLink, PlanGroupDraft, UpdatePlanGroup


@strawberry.type(description="Result of a plan group mutation.")
class PlanGroupPayload:
    plan_group: PlanGroup | None = strawberry.field(description="The plan group after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of createPlanGroupLink.")
class PlanGroupLinkPayload:
    plan_group_link: PlanGroupLink | None = strawberry.field(description="The link created.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class PlanGroupMutation:
    @strawberry.mutation(description="Create a plan group.", extensions=authorize("config:create", "planGroup"))
    async def create_plan_group(self, info: Info, input: CreatePlanGroupInput) -> PlanGroupPayload:
        p = info.context.require_principal()
        return await respond(
            PlanGroupPayload,
            "plan_group",
            lambda: service.create_plan_group(
                p.organization_id, CreatePlanGroup(draft_of(PlanGroupDraft, input)), actor=p.actor
            ),
            PlanGroup.of,
        )

    @strawberry.mutation(
        description="Change a plan group; bills show it at their next calculation.",
        extensions=authorize("config:update", "planGroup", input_item()),
    )
    async def update_plan_group(self, info: Info, input: UpdatePlanGroupInput) -> PlanGroupPayload:
        p = info.context.require_principal()
        return await respond(
            PlanGroupPayload,
            "plan_group",
            lambda: service.update_plan_group(
                p.organization_id,
                UpdatePlanGroup(parse_id(input.id), input.version, draft_of(PlanGroupDraft, input, ("id", "version"))),
                actor=p.actor,
            ),
            PlanGroup.of,
        )

    @strawberry.mutation(
        description="Delete a plan group no account plan attaches.",
        extensions=authorize("config:delete", "planGroup", input_item()),
    )
    async def delete_plan_group(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_plan_group(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Link a plan to a plan group (one plan per product).",
        extensions=authorize("config:update", "planGroup", input_item("plan_group_id")),
    )
    async def create_plan_group_link(self, info: Info, input: CreatePlanGroupLinkInput) -> PlanGroupLinkPayload:
        p = info.context.require_principal()
        return await respond(
            PlanGroupLinkPayload,
            "plan_group_link",
            lambda: service.create_plan_group_link(
                p.organization_id, CreatePlanGroupLink(input.plan_group_id, input.plan_id), actor=p.actor
            ),
            PlanGroupLink.of,
        )

    @strawberry.mutation(
        description="Remove a plan from its plan group.", extensions=authorize("config:update", "planGroup")
    )
    async def delete_plan_group_link(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_plan_group_link(
                info.context.organization_id, parse_id(input.id), version=input.version
            ),
            input.id,
        )
