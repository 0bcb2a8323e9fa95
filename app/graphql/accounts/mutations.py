"""Root mutations: create (nested), update and delete accounts, account plans and
commitments, and replace one attached plan by another at a date. Resolvers only convert
input and output; the rules live in `app.services.accounts` and `app.domain.accounts`."""

from __future__ import annotations

import strawberry

from app.domain.accounts.drafts import AccountDraft, AccountPlanDraft, CommitmentDraft, ReplacementDraft
from app.graphql.accounts.inputs import (
    CreateAccountInput,
    CreateAccountPlanInput,
    CreateCommitmentInput,
    ReplaceAccountPlanInput,
    UpdateAccountInput,
    UpdateAccountPlanInput,
    UpdateCommitmentInput,
)
from app.graphql.accounts.types import Account, AccountPlan, Commitment
from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import draft_of, parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.services import accounts as service
from app.services.accounts.commands import (
    CreateAccount,
    CreateAccountPlan,
    CreateCommitment,
    ReplaceAccountPlan,
    UpdateAccount,
    UpdateAccountPlan,
    UpdateCommitment,
)


@strawberry.type(description="Result of an account mutation.")
class AccountPayload:
    account: Account | None = strawberry.field(description="The account after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of an account plan mutation.")
class AccountPlanPayload:
    account_plan: AccountPlan | None = strawberry.field(description="The account plan after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of replaceAccountPlan.")
class ReplaceAccountPlanPayload:
    ended_account_plan: AccountPlan | None = strawberry.field(description="The old attachment, now ending at the date.")
    account_plan: AccountPlan | None = strawberry.field(description="The new attachment, starting at the date.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a commitment mutation.")
class CommitmentPayload:
    commitment: Commitment | None = strawberry.field(description="The commitment after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


# Fields of an update input that name what changes, not how.
UNCHANGED = ("id", "version")


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Create an account, with its children, plan attachments and commitments (all or nothing).",
        extensions=authorize("config:create", "account"),
    )
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        p = info.context.require_principal()
        return await respond(
            AccountPayload,
            "account",
            lambda: service.create_account(
                p.organization_id, CreateAccount(draft_of(AccountDraft, input)), actor=p.actor
            ),
            Account.of,
        )

    @strawberry.mutation(
        description="Change an account.", extensions=authorize("config:update", "account", input_item())
    )
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        p = info.context.require_principal()
        return await respond(
            AccountPayload,
            "account",
            lambda: service.update_account(
                p.organization_id,
                UpdateAccount(parse_id(input.id), input.version, draft_of(AccountDraft, input, UNCHANGED)),
                actor=p.actor,
            ),
            Account.of,
        )

    @strawberry.mutation(
        description="Delete an account nothing depends on (children, plans, commitments, bespoke plans).",
        extensions=authorize("config:delete", "account", input_item()),
    )
    async def delete_account(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_account(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Attach a plan to an account.", extensions=authorize("config:create", "accountPlan")
    )
    async def create_account_plan(self, info: Info, input: CreateAccountPlanInput) -> AccountPlanPayload:
        p = info.context.require_principal()
        return await respond(
            AccountPlanPayload,
            "account_plan",
            lambda: service.create_account_plan(
                p.organization_id, CreateAccountPlan(draft_of(AccountPlanDraft, input)), actor=p.actor
            ),
            AccountPlan.of,
        )

    @strawberry.mutation(
        description="Change an account plan; set endDate to end-date it.",
        extensions=authorize("config:update", "accountPlan", input_item()),
    )
    async def update_account_plan(self, info: Info, input: UpdateAccountPlanInput) -> AccountPlanPayload:
        p = info.context.require_principal()
        return await respond(
            AccountPlanPayload,
            "account_plan",
            lambda: service.update_account_plan(
                p.organization_id,
                UpdateAccountPlan(parse_id(input.id), input.version, draft_of(AccountPlanDraft, input, UNCHANGED)),
                actor=p.actor,
            ),
            AccountPlan.of,
        )

    @strawberry.mutation(
        description="End an account plan at a date and attach another plan from that date, in one step.",
        extensions=authorize("config:update", "accountPlan", input_item("account_plan_id")),
    )
    async def replace_account_plan(self, info: Info, input: ReplaceAccountPlanInput) -> ReplaceAccountPlanPayload:
        p = info.context.require_principal()
        return await respond(
            ReplaceAccountPlanPayload,
            ("ended_account_plan", "account_plan"),
            lambda: service.replace_account_plan(
                p.organization_id,
                ReplaceAccountPlan(
                    parse_id(input.account_plan_id, ("input", "accountPlanId")),
                    input.version,
                    draft_of(ReplacementDraft, input, ("account_plan_id", "version")),
                ),
                actor=p.actor,
            ),
            lambda pair: (AccountPlan.of(pair[0]), AccountPlan.of(pair[1])),
        )

    @strawberry.mutation(
        description="Delete an account plan.", extensions=authorize("config:delete", "accountPlan", input_item())
    )
    async def delete_account_plan(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_account_plan(
                info.context.organization_id, parse_id(input.id), version=input.version
            ),
            input.id,
        )

    @strawberry.mutation(
        description="Add a commitment to an account.", extensions=authorize("config:create", "commitment")
    )
    async def create_commitment(self, info: Info, input: CreateCommitmentInput) -> CommitmentPayload:
        p = info.context.require_principal()
        return await respond(
            CommitmentPayload,
            "commitment",
            lambda: service.create_commitment(
                p.organization_id, CreateCommitment(draft_of(CommitmentDraft, input)), actor=p.actor
            ),
            Commitment.of,
        )

    @strawberry.mutation(
        description="Change a commitment.", extensions=authorize("config:update", "commitment", input_item())
    )
    async def update_commitment(self, info: Info, input: UpdateCommitmentInput) -> CommitmentPayload:
        p = info.context.require_principal()
        return await respond(
            CommitmentPayload,
            "commitment",
            lambda: service.update_commitment(
                p.organization_id,
                UpdateCommitment(parse_id(input.id), input.version, draft_of(CommitmentDraft, input, UNCHANGED)),
                actor=p.actor,
            ),
            Commitment.of,
        )

    @strawberry.mutation(
        description="Delete a commitment.", extensions=authorize("config:delete", "commitment", input_item())
    )
    async def delete_commitment(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service.delete_commitment(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )
