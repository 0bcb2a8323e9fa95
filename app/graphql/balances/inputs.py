"""Inputs of the balance mutations (SEMANTICS §11.1); every bound is in the input schema
bounds (`app.graphql.input_bounds`) or checked by the service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from app.graphql.balances.types import BalanceLineItemType
from app.graphql.inputs import optional


@strawberry.input(description="A new balance of an existing account.")
class CreateBalanceInput:
    account_id: strawberry.ID = strawberry.field(description="The account (of your organization).")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    currency: str = strawberry.field(description="Currency of its credits; the bill currency or one converted to it.")
    start_date: datetime = strawberry.field(description="Lines whose service starts from here draw (inclusive).")
    end_date: datetime = strawberry.field(description="End of the window (exclusive).")
    rollover_end_date: datetime | None = optional("End of the rollover window (after endDate); none: no rollover.")
    rollover_amount: Decimal | None = optional("Cap on what rolls over (≥ 0; needs rolloverEndDate); none: no cap.")
    product_ids: list[strawberry.ID] | None = optional("Products whose charges draw; empty = all.")
    line_item_types: list[BalanceLineItemType] | None = optional("Line kinds that draw; empty = all.")
    overage_surcharge_percent: Decimal | None = optional("Surcharge on what it leaves uncovered, in percent.")
    balance_draw_down_description: str | None = optional("Text of its BALANCE_CONSUMED lines.")
    overage_description: str | None = optional("Text of its OVERAGE_SURCHARGE lines.")
    description: str | None = optional("Description.")


@strawberry.input(description="Balance fields to change; the account cannot change.")
class UpdateBalanceInput:
    id: strawberry.ID = strawberry.field(description="The balance.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Name.")
    currency: str | None = optional("Currency of its credits.")
    start_date: datetime | None = optional("Start of the window (inclusive).")
    end_date: datetime | None = optional("End of the window (exclusive).")
    rollover_end_date: datetime | None = optional("End of the rollover window; null: no rollover.")
    rollover_amount: Decimal | None = optional("Cap on what rolls over; null: no cap.")
    product_ids: list[strawberry.ID] | None = optional("Products whose charges draw; empty = all.")
    line_item_types: list[BalanceLineItemType] | None = optional("Line kinds that draw; empty = all.")
    overage_surcharge_percent: Decimal | None = optional("Surcharge on what it leaves uncovered, in percent.")
    balance_draw_down_description: str | None = optional("Text of its BALANCE_CONSUMED lines.")
    overage_description: str | None = optional("Text of its OVERAGE_SURCHARGE lines.")
    description: str | None = optional("Description.")


@strawberry.input(description="A credit to a balance.")
class CreateBalanceTransactionInput:
    balance_id: strawberry.ID = strawberry.field(description="The balance credited.")
    amount: Decimal = strawberry.field(description="Amount, greater than 0, in the balance currency.")
    applied_date: datetime | None = optional("From when bills may draw it; default now; before the balance's end.")
    transaction_date: datetime | None = optional("When the money was received.")
    description: str | None = optional("Description.")
    paid: Decimal | None = optional("Amount paid (informational).")
    currency_paid: str | None = optional("Currency paid in (informational).")
    transaction_type_id: strawberry.ID | None = optional("Why the balance is credited (a transaction type).")


@strawberry.input(description="A new transaction type.")
class CreateTransactionTypeInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    archived: bool | None = optional("Archived types cannot be given to new transactions; default false.")


@strawberry.input(description="Transaction type fields to change.")
class UpdateTransactionTypeInput:
    id: strawberry.ID = strawberry.field(description="The transaction type.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Name.")
    archived: bool | None = optional("Archive or restore it.")
