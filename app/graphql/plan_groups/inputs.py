"""Inputs of the plan group mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from app.graphql.inputs import optional


@strawberry.input(description="A plan group; link plans to it with createPlanGroupLink.")
class CreatePlanGroupInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name of the group.")
    currency: str = strawberry.field(description="Currency of the group; every linked plan must bill in it.")
    minimum_spend: Decimal | None = optional("Minimum spend per period, at least 0; default 0.")
    standing_charge: Decimal | None = optional("Standing charge per period, at least 0; default 0.")
    minimum_spend_description: str | None = optional("Text of the group's minimum lines.")
    standing_charge_description: str | None = optional("Text of the group's standing charges.")
    minimum_spend_bill_in_advance: bool | None = optional("Minimum timing; default the organization's.")
    standing_charge_bill_in_advance: bool | None = optional("Standing charge timing; default the organization's.")
    account_id: strawberry.ID | None = optional("Make the group bespoke to this account.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")


@strawberry.input(description="Plan group fields to change.")
class UpdatePlanGroupInput:
    id: strawberry.ID = strawberry.field(description="The plan group.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Name of the group.")
    currency: str | None = optional("Currency (not while plans are linked).")
    minimum_spend: Decimal | None = optional("Minimum spend per period, at least 0.")
    standing_charge: Decimal | None = optional("Standing charge per period, at least 0.")
    minimum_spend_description: str | None = optional("Text of the group's minimum lines.")
    standing_charge_description: str | None = optional("Text of the group's standing charges.")
    minimum_spend_bill_in_advance: bool | None = optional("Minimum timing; null: the organization's.")
    standing_charge_bill_in_advance: bool | None = optional("Standing charge timing; null: the organization's.")
    account_id: strawberry.ID | None = optional("Bespoke account (not while plans are linked).")
    custom_fields: JSON | None = optional("Custom name → string or number map.")


@strawberry.input(description="Link a plan to a plan group.")
class CreatePlanGroupLinkInput:
    plan_group_id: strawberry.ID = strawberry.field(description="The group.")
    plan_id: strawberry.ID = strawberry.field(description="The plan; one per product, same currency and frequency.")
