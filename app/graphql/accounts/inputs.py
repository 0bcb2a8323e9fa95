"""Input types of the account mutations. `app.graphql.inputs.draft_of` turns them into the
typed drafts the services' commands carry (`app.domain.accounts.drafts`): fields a client
leaves out are NOT_GIVEN (for an update: unchanged); fields sent as null are None."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from app.graphql.accounts.types import ChildBillingMode, CommitmentLineItemType
from app.graphql.balances.kinds import CreditSourceKind
from app.graphql.inputs import optional


@strawberry.input(description="A postal address; every line is optional.")
class AddressInput:
    address_line1: str | None = optional("First address line.")
    address_line2: str | None = optional("Second address line.")
    address_line3: str | None = optional("Third address line.")
    address_line4: str | None = optional("Fourth address line.")
    locality: str | None = optional("Town or city.")
    region: str | None = optional("State, county or region.")
    post_code: str | None = optional("Postal code.")
    country: str | None = optional("Country.")


@strawberry.input(description="A plan to attach to the account being created.")
class AccountPlanInput:
    start_date: dt.datetime = strawberry.field(description="First instant the plan applies (inclusive, with offset).")
    plan_id: strawberry.ID | None = optional("The plan, by id (or give planCode).")
    plan_code: str | None = optional("The plan, by code (or give planId).")
    plan_group_id: strawberry.ID | None = optional("A plan group to attach instead of a plan (createAccountPlan only).")
    end_date: dt.datetime | None = optional("Instant the plan stops applying (exclusive); leave out for open-ended.")
    code: str | None = optional("Unique code of the attachment.")
    bill_epoch: dt.date | None = optional("Anchor date of this attachment's bills; default the account's.")
    child_billing_mode: ChildBillingMode | None = optional(
        "Where child accounts' charges are billed; default PARENT_BREAKDOWN."
    )
    custom_fields: JSON | None = optional("Custom name → string or number map.")


@strawberry.input(description="A plan to attach to an existing account.")
class CreateAccountPlanInput(AccountPlanInput):
    account_id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.input(description="Account plan fields to change (end-date it by setting endDate).")
class UpdateAccountPlanInput:
    id: strawberry.ID = strawberry.field(description="The account plan.")
    version: int = strawberry.field(description="The version you read.")
    start_date: dt.datetime | None = optional("First instant the plan applies (inclusive).")
    end_date: dt.datetime | None = optional("Instant the plan stops applying (exclusive); null = open-ended.")
    code: str | None = optional("Unique code.")
    bill_epoch: dt.date | None = optional(
        "Anchor date of this attachment's bills. Refused once bills carry its lines: use replaceAccountPlan."
    )
    child_billing_mode: ChildBillingMode | None = optional("Where child accounts' charges are billed.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")


@strawberry.input(description="End an account plan at `date` and attach another plan from `date` on.")
class ReplaceAccountPlanInput:
    account_plan_id: strawberry.ID = strawberry.field(description="The account plan to end.")
    version: int = strawberry.field(description="The version of that account plan you read.")
    date: dt.datetime = strawberry.field(description="Instant the old plan ends (exclusive) and the new one starts.")
    plan_id: strawberry.ID | None = optional("The new plan, by id (or give planCode).")
    plan_code: str | None = optional("The new plan, by code (or give planId).")
    code: str | None = optional("Unique code of the new attachment.")
    bill_epoch: dt.date | None = optional("Anchor date of the new attachment's bills; default the old one's.")
    child_billing_mode: ChildBillingMode | None = optional("Default the old attachment's.")
    custom_fields: JSON | None = optional("Default the old attachment's.")


@strawberry.input(description="One scheduled commitment fee.")
class CommitmentFeeInput:
    date: dt.date = strawberry.field(description="Bill date carrying the fee.")
    amount: Decimal = strawberry.field(description="Fee amount, greater than 0.")
    service_period_start_date: dt.datetime = strawberry.field(description="Start of the period the fee pays for.")
    service_period_end_date: dt.datetime = strawberry.field(
        description="End of the period the fee pays for (not before its start)."
    )


@strawberry.input(description="A commitment of the account being created.")
class CommitmentInput:
    currency: str = strawberry.field(description="Currency of the amounts.")
    amount: Decimal = strawberry.field(description="Committed amount, greater than 0.")
    start_date: dt.date = strawberry.field(description="First day (inclusive).")
    end_date: dt.date = strawberry.field(description="Day after the last (exclusive).")
    code: str | None = optional("Unique code.")
    amount_pre_paid: Decimal | None = optional("Part already paid, at least 0; default 0.")
    amount_first_bill: Decimal | None = optional("Part billed on the first fee bill, at least 0; default 0.")
    product_ids: list[strawberry.ID] | None = optional("Products whose charges draw down; empty = all.")
    line_item_types: list[CommitmentLineItemType] | None = optional("Line kinds that draw down; empty = all.")
    overage_surcharge_percent: Decimal | None = optional(
        "Surcharge on spend beyond the commitment, in percent (may be negative)."
    )
    separate_overage_usage: bool | None = optional(
        "Show usage beyond the commitment separately (only without a surcharge)."
    )
    fee_dates: list[CommitmentFeeInput] | None = optional("Scheduled fees (or give billingPlanId).")
    billing_plan_id: strawberry.ID | None = optional("Plan whose bill dates carry the fees (or give feeDates).")
    billing_interval: int | None = optional("Fees every this many bills of the billing plan, 1–365; default 1.")
    billing_offset: int | None = optional("Bills of the billing plan skipped before the first fee, 0–364; default 0.")
    commitment_fee_bill_in_advance: bool | None = optional("Fee timing; default the organization's.")
    commitment_fee_description: str | None = optional("Text of fee lines.")
    commitment_usage_description: str | None = optional("Text of drawdown lines.")
    overage_description: str | None = optional("Text of overage lines.")
    child_billing_mode: ChildBillingMode | None = optional("Where child accounts' drawdown is billed.")


@strawberry.input(description="A commitment of an existing account.")
class CreateCommitmentInput(CommitmentInput):
    account_id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.input(description="Commitment fields to change; the account cannot change.")
class UpdateCommitmentInput:
    id: strawberry.ID = strawberry.field(description="The commitment.")
    version: int = strawberry.field(description="The version you read.")
    currency: str | None = optional("Currency of the amounts.")
    amount: Decimal | None = optional("Committed amount, greater than 0.")
    start_date: dt.date | None = optional("First day (inclusive).")
    end_date: dt.date | None = optional("Day after the last (exclusive).")
    code: str | None = optional("Unique code.")
    amount_pre_paid: Decimal | None = optional("Part already paid.")
    amount_first_bill: Decimal | None = optional("Part billed on the first fee bill.")
    product_ids: list[strawberry.ID] | None = optional("Products whose charges draw down; empty = all.")
    line_item_types: list[CommitmentLineItemType] | None = optional("Line kinds that draw down; empty = all.")
    overage_surcharge_percent: Decimal | None = optional("Surcharge on spend beyond the commitment, in percent.")
    separate_overage_usage: bool | None = optional("Show usage beyond the commitment separately.")
    fee_dates: list[CommitmentFeeInput] | None = optional(
        "Scheduled fees; send [] or null to switch to a billing plan."
    )
    billing_plan_id: strawberry.ID | None = optional(
        "Plan whose bill dates carry the fees; null to switch to fee dates."
    )
    billing_interval: int | None = optional("Fees every this many bills of the billing plan.")
    billing_offset: int | None = optional("Bills of the billing plan skipped before the first fee.")
    commitment_fee_bill_in_advance: bool | None = optional("Fee timing; null = the organization's.")
    commitment_fee_description: str | None = optional("Text of fee lines.")
    commitment_usage_description: str | None = optional("Text of drawdown lines.")
    overage_description: str | None = optional("Text of overage lines.")
    child_billing_mode: ChildBillingMode | None = optional("Where child accounts' drawdown is billed.")


@strawberry.input(
    description="A new account, optionally with its children, plan attachments and commitments (all or nothing)."
)
class CreateAccountInput:
    code: str = strawberry.field(description="Unique code; measurements name the account by it.")
    name: str = strawberry.field(description="Display name.")
    email_address: str = strawberry.field(description="Billing contact email address.")
    address: AddressInput | None = optional("Postal address.")
    parent_account_id: strawberry.ID | None = optional("Make it a child of this account (not with children).")
    bill_epoch: dt.date | None = optional("Anchor date of this account's bills; default the organization's epoch.")
    currency: str | None = optional("Billing currency; default the organization's.")
    days_before_bill_due: int | None = optional("Days from bill date to due date (> 0); default the organization's.")
    purchase_order_number: str | None = optional("Purchase order number printed on bills.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")
    credit_application_order: list[CreditSourceKind] | None = optional(
        "Order its bills draw on commitments (PREPAYMENT) and balances (BALANCE); default the organization's."
    )
    children: list[CreateAccountInput] | None = optional(
        "Child accounts to create with it (they cannot have children)."
    )
    account_plans: list[AccountPlanInput] | None = optional("Plans to attach to it.")
    commitments: list[CommitmentInput] | None = optional("Its commitments.")


@strawberry.input(description="Account fields to change.")
class UpdateAccountInput:
    id: strawberry.ID = strawberry.field(description="The account.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Display name.")
    email_address: str | None = optional("Billing contact email address.")
    address: AddressInput | None = optional("Postal address; null removes it.")
    parent_account_id: strawberry.ID | None = optional("The parent account; null makes it a top-level account.")
    bill_epoch: dt.date | None = optional(
        "Anchor date of this account's bills; null = the organization's epoch. Refused once the account has bills."
    )
    currency: str | None = optional("Billing currency; null = the organization's.")
    days_before_bill_due: int | None = optional("Days from bill date to due date; null = the organization's.")
    purchase_order_number: str | None = optional("Purchase order number printed on bills.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")
    credit_application_order: list[CreditSourceKind] | None = optional(
        "Order its bills draw on commitments and balances; null = the organization's."
    )
