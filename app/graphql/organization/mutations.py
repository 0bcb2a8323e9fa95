"""Root mutations of the organization: its configuration and currencies."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization.inputs import (
    CreateCurrencyInput,
    CurrencyPayload,
    DeleteInput,
    DeletePayload,
    OrganizationConfigPayload,
    UpdateCurrencyInput,
    UpdateOrganizationConfigInput,
)
from app.graphql.organization.types import Currency, OrganizationConfig
from app.services import currencies, organization_config


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(
        description="Change the organization's configuration.", extensions=authorize("config:update", "organization")
    )
    async def update_organization_config(
        self, info: Info, input: UpdateOrganizationConfigInput
    ) -> OrganizationConfigPayload:
        p = info.context.require_principal()
        return await respond(
            OrganizationConfigPayload,
            "organization_config",
            lambda: organization_config.update_config(p.organization_id, input.to_command(), actor=p.actor),
            OrganizationConfig.of,
        )

    @strawberry.mutation(description="Add a currency.", extensions=authorize("config:create", "currency"))
    async def create_currency(self, info: Info, input: CreateCurrencyInput) -> CurrencyPayload:
        p = info.context.require_principal()
        return await respond(
            CurrencyPayload,
            "currency",
            lambda: currencies.create_currency(p.organization_id, input.to_command(), actor=p.actor),
            Currency.of,
        )

    @strawberry.mutation(
        description="Change a currency.", extensions=authorize("config:update", "currency", input_item())
    )
    async def update_currency(self, info: Info, input: UpdateCurrencyInput) -> CurrencyPayload:
        p = info.context.require_principal()
        return await respond(
            CurrencyPayload,
            "currency",
            lambda: currencies.update_currency(p.organization_id, input.to_command(), actor=p.actor),
            Currency.of,
        )

    @strawberry.mutation(
        description="Delete a currency (never USD, nor one in use).",
        extensions=authorize("config:delete", "currency", input_item()),
    )
    async def delete_currency(self, info: Info, input: DeleteInput) -> DeletePayload:
        p = info.context.require_principal()
        return await respond_deleted(
            lambda: currencies.delete_currency(p.organization_id, parse_id(input.id), version=input.version), input.id
        )
