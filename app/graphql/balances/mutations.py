"""Root mutations of balances, their credits and the transaction type picklist. Resolvers
only convert input and output; the rules live in `app.services.balances`."""

from __future__ import annotations

import strawberry

from app.domain.billing.balances_input import BalanceDraft, TransactionDraft, TransactionTypeDraft
from app.graphql.authorization import authorize
from app.graphql.balances.inputs import (
    CreateBalanceInput,
    CreateBalanceTransactionInput,
    CreateTransactionTypeInput,
    UpdateBalanceInput,
    UpdateTransactionTypeInput,
)
from app.graphql.balances.types import Balance, BalanceTransaction, TransactionType
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import draft_of, parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services import balances as service
from app.services.balances.commands import (
    CreateBalance,
    CreateTransaction,
    CreateTransactionType,
    UpdateBalance,
    UpdateTransactionType,
)

UNCHANGED = ("id", "version")


@strawberry.type(description="Result of a balance mutation.")
class BalancePayload:
    balance: Balance | None = strawberry.field(description="The balance after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of createBalanceTransaction.")
class BalanceTransactionPayload:
    balance_transaction: BalanceTransaction | None = strawberry.field(description="The credit stored.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a transaction type mutation.")
class TransactionTypePayload:
    transaction_type: TransactionType | None = strawberry.field(description="The transaction type after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class BalanceMutation:
    @strawberry.mutation(description="Add a balance to an account.", extensions=authorize("config:create", "balance"))
    async def create_balance(self, info: Info, input: CreateBalanceInput) -> BalancePayload:
        p = info.context.require_principal()
        return await respond(
            BalancePayload,
            "balance",
            lambda: service.create_balance(
                p.organization_id, CreateBalance(draft_of(BalanceDraft, input)), actor=p.actor
            ),
            Balance.of,
        )

    @strawberry.mutation(
        description="Change a balance.", extensions=authorize("config:update", "balance", input_item())
    )
    async def update_balance(self, info: Info, input: UpdateBalanceInput) -> BalancePayload:
        p = info.context.require_principal()
        return await respond(
            BalancePayload,
            "balance",
            lambda: service.update_balance(
                p.organization_id,
                UpdateBalance(parse_id(input.id), input.version, draft_of(BalanceDraft, input, UNCHANGED)),
                actor=p.actor,
            ),
            Balance.of,
        )

    @strawberry.mutation(
        description="Delete a balance no bill drew on and without transactions.",
        extensions=authorize("config:delete", "balance", input_item()),
    )
    async def delete_balance(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_balance(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Credit a balance (a transaction is never changed).",
        extensions=authorize("config:create", "balanceTransaction"),
    )
    async def create_balance_transaction(
        self, info: Info, input: CreateBalanceTransactionInput
    ) -> BalanceTransactionPayload:
        p = info.context.require_principal()
        return await respond(
            BalanceTransactionPayload,
            "balance_transaction",
            lambda: service.create_transaction(
                p.organization_id, CreateTransaction(draft_of(TransactionDraft, input)), actor=p.actor
            ),
            BalanceTransaction.of,
        )

    @strawberry.mutation(
        description="Delete a credit, while no locked bill has drawn on its balance.",
        extensions=authorize("config:delete", "balanceTransaction", input_item()),
    )
    async def delete_balance_transaction(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_transaction(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Add a transaction type.", extensions=authorize("config:create", "transactionType")
    )
    async def create_transaction_type(self, info: Info, input: CreateTransactionTypeInput) -> TransactionTypePayload:
        p = info.context.require_principal()
        return await respond(
            TransactionTypePayload,
            "transaction_type",
            lambda: service.create_transaction_type(
                p.organization_id, CreateTransactionType(draft_of(TransactionTypeDraft, input)), actor=p.actor
            ),
            TransactionType.of,
        )

    @strawberry.mutation(
        description="Change a transaction type.",
        extensions=authorize("config:update", "transactionType", input_item()),
    )
    async def update_transaction_type(self, info: Info, input: UpdateTransactionTypeInput) -> TransactionTypePayload:
        p = info.context.require_principal()
        return await respond(
            TransactionTypePayload,
            "transaction_type",
            lambda: service.update_transaction_type(
                p.organization_id,
                UpdateTransactionType(
                    parse_id(input.id), input.version, draft_of(TransactionTypeDraft, input, UNCHANGED)
                ),
                actor=p.actor,
            ),
            TransactionType.of,
        )

    @strawberry.mutation(
        description="Delete a transaction type no transaction names.",
        extensions=authorize("config:delete", "transactionType", input_item()),
    )
    async def delete_transaction_type(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_transaction_type(
                info.context.organization_id, parse_id(input.id), version=input.version
            ),
            input.id,
        )
