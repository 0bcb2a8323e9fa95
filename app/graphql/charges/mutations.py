"""Root mutations of charges; the rules live in `app.services.charges`."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.charges.inputs import CreateChargeInput, UpdateChargeInput
from app.graphql.charges.types import Charge
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import draft_of, parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services import charges as service
from app.services.charges.commands import ChargeDraft, CreateCharge, UpdateCharge


@strawberry.type(description="Result of a charge mutation.")
class ChargePayload:
    charge: Charge | None = strawberry.field(description="The charge after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class ChargeMutation:
    @strawberry.mutation(
        description="Charge an account an ad hoc amount on a bill date.",
        extensions=authorize("config:create", "charge"),
    )
    async def create_charge(self, info: Info, input: CreateChargeInput) -> ChargePayload:
        p = info.context.require_principal()
        return await respond(
            ChargePayload,
            "charge",
            lambda: service.create_charge(p.organization_id, CreateCharge(draft_of(ChargeDraft, input)), actor=p.actor),
            Charge.of,
        )

    @strawberry.mutation(
        description="Change a charge not yet on a locked bill; its bill shows the change when next calculated.",
        extensions=authorize("config:update", "charge", input_item()),
    )
    async def update_charge(self, info: Info, input: UpdateChargeInput) -> ChargePayload:
        p = info.context.require_principal()
        return await respond(
            ChargePayload,
            "charge",
            lambda: service.update_charge(
                p.organization_id,
                UpdateCharge(parse_id(input.id), input.version, draft_of(ChargeDraft, input, ("id", "version"))),
                actor=p.actor,
            ),
            Charge.of,
        )

    @strawberry.mutation(
        description="Delete a charge not on a locked bill.",
        extensions=authorize("config:delete", "charge", input_item()),
    )
    async def delete_charge(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_charge(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )
