"""Inputs of the charge mutations: exactly one of `amount` and `units` + `unitPrice`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from app.graphql.charges.types import ChargeEntityType
from app.graphql.inputs import optional


@strawberry.input(description="A charge to bill an account: give amount, or units and unitPrice.")
class CreateChargeInput:
    account_id: strawberry.ID = strawberry.field(description="The account charged.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name of the charge.")
    currency: str = strawberry.field(description="Currency of the amount.")
    bill_date: dt.date = strawberry.field(description="Date of the bill that carries it.")
    service_period_start_date: dt.datetime = strawberry.field(description="Start of the period charged for.")
    service_period_end_date: dt.datetime = strawberry.field(
        description="End of the period charged for (exclusive, not before its start)."
    )
    amount: Decimal | None = optional("The amount, not 0 (negative: a credit); or give units and unitPrice.")
    units: Decimal | None = optional("Units charged, greater than 0 (with unitPrice).")
    unit_price: Decimal | None = optional("Price of one unit, not 0 (with units).")
    description: str | None = optional("Text of its line; default the name.")
    notes: str | None = optional("Notes, up to 200 characters.")
    entity_type: ChargeEntityType | None = optional("AD_HOC (default), or BALANCE for a balance's fee.")
    entity_id: strawberry.ID | None = optional("The balance of a BALANCE charge.")


@strawberry.input(description="Charge fields to change; send amount: null to switch to units and unitPrice.")
class UpdateChargeInput:
    id: strawberry.ID = strawberry.field(description="The charge.")
    version: int = strawberry.field(description="The version you read.")
    account_id: strawberry.ID | None = optional("The account (cannot change).")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Name of the charge.")
    currency: str | None = optional("Currency of the amount.")
    bill_date: dt.date | None = optional("Date of the bill that carries it.")
    service_period_start_date: dt.datetime | None = optional("Start of the period charged for.")
    service_period_end_date: dt.datetime | None = optional("End of the period charged for (exclusive).")
    amount: Decimal | None = optional("The amount, not 0; null to use units and unitPrice.")
    units: Decimal | None = optional("Units charged, greater than 0 (with unitPrice).")
    unit_price: Decimal | None = optional("Price of one unit, not 0 (with units).")
    description: str | None = optional("Text of its line; null: the name.")
    notes: str | None = optional("Notes, up to 200 characters.")
    entity_type: ChargeEntityType | None = optional("AD_HOC, or BALANCE for a balance's fee.")
    entity_id: strawberry.ID | None = optional("The balance of a BALANCE charge.")
