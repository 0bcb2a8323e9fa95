"""Output types: Account, AccountPlan, Commitment, with their nested edges read through
per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.domain.accounts import ChildBillingMode as ChildBillingModeValue
from app.domain.accounts import CommitmentLineItemType as CommitmentLineItemTypeValue
from app.graphql.balances.kinds import CreditSourceKind, credit_order_of
from app.graphql.context import Info
from app.graphql.entity_fields import optional_id, versioned_fields
from app.graphql.loaders import children_by, load, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.models import accounts as m
from app.models import catalog as catalog_models

if TYPE_CHECKING:
    from app.graphql.balances.types import Balance
    from app.graphql.billing import Bill
    from app.graphql.catalog.plans import Plan
    from app.graphql.charges import Charge

PLANS = "app.graphql.catalog.plans"

ChildBillingMode = strawberry.enum(
    ChildBillingModeValue, name="ChildBillingMode", description="Where a child account's charges are billed."
)
CommitmentLineItemType = strawberry.enum(
    CommitmentLineItemTypeValue,
    name="CommitmentLineItemType",
    description="Kinds of bill line a commitment can draw down.",
)

ACCOUNT_BY_ID = one_by_id(m.Account)
CHILDREN_BY_PARENT = children_by(m.Account, "parent_account_id", ("code", "id"))
PLAN_BY_ID = one_by_id(catalog_models.Plan)
PLANS_BY_ACCOUNT = children_by(m.AccountPlan, "account_id", ("start_date", "id"))
COMMITMENTS_BY_ACCOUNT = children_by(m.Commitment, "account_id", ("start_date", "id"))


@strawberry.type(description="A postal address; every line is optional.")
class Address:
    address_line1: str | None = strawberry.field(default=None, description="First address line.")
    address_line2: str | None = strawberry.field(default=None, description="Second address line.")
    address_line3: str | None = strawberry.field(default=None, description="Third address line.")
    address_line4: str | None = strawberry.field(default=None, description="Fourth address line.")
    locality: str | None = strawberry.field(default=None, description="Town or city.")
    region: str | None = strawberry.field(default=None, description="State, county or region.")
    post_code: str | None = strawberry.field(default=None, description="Postal code.")
    country: str | None = strawberry.field(default=None, description="Country.")

    @classmethod
    def of(cls, stored: dict[str, str] | None) -> Address | None:
        if stored is None:
            return None
        return cls(
            address_line1=stored.get("addressLine1"),
            address_line2=stored.get("addressLine2"),
            address_line3=stored.get("addressLine3"),
            address_line4=stored.get("addressLine4"),
            locality=stored.get("locality"),
            region=stored.get("region"),
            post_code=stored.get("postCode"),
            country=stored.get("country"),
        )


@strawberry.type(description="A customer of the organization; may be the child of one parent account.")
class Account:
    id: strawberry.ID = strawberry.field(description="Id of the account.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str = strawberry.field(description="Unique code; measurements name the account by it.")
    name: str = strawberry.field(description="Display name.")
    email_address: str | None = strawberry.field(description="Billing contact email address.")
    address: Address | None = strawberry.field(description="Postal address.")
    parent_account_id: strawberry.ID | None = strawberry.field(description="The parent account, if this is a child.")
    bill_epoch: date | None = strawberry.field(
        description="Anchor date of this account's bills; none = the organization's epoch."
    )
    currency: str | None = strawberry.field(description="Billing currency; none = the organization's.")
    days_before_bill_due: int | None = strawberry.field(
        description="Days from bill date to due date; none = the organization's."
    )
    purchase_order_number: str | None = strawberry.field(description="Purchase order number printed on bills.")
    custom_fields: JSON = strawberry.field(description="Custom name → string or number map.")
    auto_created: bool = strawberry.field(description="Whether ingest created it for an unknown account code.")
    credit_application_order: list[CreditSourceKind] | None = strawberry.field(
        description="Order its bills draw on commitments and balances; none = the organization's."
    )
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The parent account, if this is a child.")
    async def parent(self, info: Info) -> Account | None:
        if self.parent_account_id is None:
            return None
        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.parent_account_id))
        return Account.of(row) if row else None

    @strawberry.field(description="Child accounts, by code.")
    async def children(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Account]:
        return connection_of_list(await load(info, CHILDREN_BY_PARENT, uuid.UUID(self.id)), first, after, Account.of)

    @strawberry.field(description="Plans attached to this account, by start date.")
    async def account_plans(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AccountPlan]:
        return connection_of_list(await load(info, PLANS_BY_ACCOUNT, uuid.UUID(self.id)), first, after, AccountPlan.of)

    @strawberry.field(description="Commitments of this account, by start date.")
    async def commitments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Commitment]:
        return connection_of_list(
            await load(info, COMMITMENTS_BY_ACCOUNT, uuid.UUID(self.id)), first, after, Commitment.of
        )

    @strawberry.field(description="Ad hoc charges of this account, by bill date.")
    async def charges(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Charge, strawberry.lazy("app.graphql.charges")]]:
        from app.graphql.charges import CHARGES_BY_ACCOUNT, Charge

        return connection_of_list(await load(info, CHARGES_BY_ACCOUNT, uuid.UUID(self.id)), first, after, Charge.of)

    @strawberry.field(description="Balances of this account, by end date, then code.")
    async def balances(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Balance, strawberry.lazy("app.graphql.balances.types")]]:
        from app.graphql.balances.types import BALANCES_BY_ACCOUNT, Balance

        return connection_of_list(await load(info, BALANCES_BY_ACCOUNT, uuid.UUID(self.id)), first, after, Balance.of)

    @strawberry.field(description="Bills of this account, newest bill date first.")
    async def bills(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Bill, strawberry.lazy("app.graphql.billing")]]:
        from app.graphql.billing import Bill
        from app.graphql.billing.loaders import BILLS_BY_ACCOUNT

        return connection_of_list(await load(info, BILLS_BY_ACCOUNT, uuid.UUID(self.id)), first, after, Bill.of)

    @classmethod
    def of(cls, row: m.Account) -> Account:
        return cls(
            **versioned_fields(row),
            code=row.code,
            name=row.name,
            email_address=row.email_address,
            address=Address.of(row.address),
            parent_account_id=optional_id(row.parent_account_id),
            bill_epoch=row.bill_epoch,
            currency=row.currency,
            days_before_bill_due=row.days_before_bill_due,
            credit_application_order=credit_order_of(row.credit_application_order),
            purchase_order_number=row.purchase_order_number,
            custom_fields=row.custom_fields,
            auto_created=row.auto_created,
        )


@strawberry.type(description="A plan attached to an account over [startDate, endDate).")
class AccountPlan:
    id: strawberry.ID = strawberry.field(description="Id of the account plan.")
    version: int = strawberry.field(description="Incremented by every update.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    plan_id: strawberry.ID | None = strawberry.field(description="The attached plan (none: a plan group).")
    plan_group_id: strawberry.ID | None = strawberry.field(description="The attached plan group (instead of a plan).")
    product_id: strawberry.ID | None = strawberry.field(description="The plan's product (none: a plan group).")
    code: str | None = strawberry.field(description="Unique code, if given.")
    start_date: datetime = strawberry.field(description="First instant the plan applies (inclusive).")
    end_date: datetime | None = strawberry.field(
        description="Instant the plan stops applying (exclusive); none = open-ended."
    )
    bill_epoch: date | None = strawberry.field(
        description="Anchor date of this attachment's bills; none = the account's."
    )
    child_billing_mode: ChildBillingMode = strawberry.field(
        description="Where child accounts' charges under this plan are billed."
    )
    custom_fields: JSON = strawberry.field(description="Custom name → string or number map.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The account.")
    async def account(self, info: Info) -> Account | None:
        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @strawberry.field(description="The attached plan.")
    async def plan(self, info: Info) -> Annotated[Plan, strawberry.lazy(PLANS)] | None:
        from app.graphql.catalog.plans import Plan

        if self.plan_id is None:
            return None
        row = await load(info, PLAN_BY_ID, uuid.UUID(self.plan_id))
        return Plan.of(row) if row else None

    @classmethod
    def of(cls, row: m.AccountPlan) -> AccountPlan:
        return cls(
            **versioned_fields(row),
            account_id=optional_id(row.account_id),
            plan_id=optional_id(row.plan_id),
            plan_group_id=optional_id(row.plan_group_id),
            product_id=optional_id(row.product_id),
            code=row.code,
            start_date=row.start_date,
            end_date=row.end_date,
            bill_epoch=row.bill_epoch,
            child_billing_mode=ChildBillingModeValue(row.child_billing_mode),
            custom_fields=row.custom_fields,
        )


@strawberry.type(description="One scheduled commitment fee.")
class CommitmentFee:
    date: dt.date = strawberry.field(description="Bill date carrying the fee.")
    amount: Decimal = strawberry.field(description="Fee amount, greater than 0.")
    service_period_start_date: datetime = strawberry.field(description="Start of the period the fee pays for.")
    service_period_end_date: datetime = strawberry.field(description="End of the period the fee pays for.")

    @classmethod
    def of(cls, stored: dict[str, str]) -> CommitmentFee:
        return cls(
            date=date.fromisoformat(stored["date"]),
            amount=Decimal(stored["amount"]),
            service_period_start_date=datetime.fromisoformat(stored["servicePeriodStartDate"]),
            service_period_end_date=datetime.fromisoformat(stored["servicePeriodEndDate"]),
        )


@strawberry.type(
    description="An amount the account commits to spend over [startDate, endDate), drawn down by its bills."
)
class Commitment:
    id: strawberry.ID = strawberry.field(description="Id of the commitment.")
    version: int = strawberry.field(description="Incremented by every update.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    code: str | None = strawberry.field(description="Unique code, if given.")
    currency: str = strawberry.field(description="Currency of the amounts.")
    amount: Decimal = strawberry.field(description="Committed amount.")
    amount_pre_paid: Decimal = strawberry.field(description="Part of the amount already paid.")
    amount_first_bill: Decimal = strawberry.field(description="Part of the amount billed on the first fee bill.")
    amount_spent: Decimal = strawberry.field(description="Drawn down so far (read-only).")
    start_date: date = strawberry.field(description="First day (inclusive, organization timezone).")
    end_date: date = strawberry.field(description="Day after the last (exclusive).")
    product_ids: list[strawberry.ID] = strawberry.field(description="Products whose charges draw down; empty = all.")
    line_item_types: list[CommitmentLineItemType] = strawberry.field(
        description="Line kinds that draw down; empty = all."
    )
    overage_surcharge_percent: Decimal | None = strawberry.field(
        description="Surcharge on spend beyond the commitment, in percent."
    )
    separate_overage_usage: bool = strawberry.field(
        description="Whether usage beyond the commitment is shown as separate lines."
    )
    fee_dates: list[CommitmentFee] = strawberry.field(description="Scheduled fees (instead of a billing plan).")
    billing_plan_id: strawberry.ID | None = strawberry.field(
        description="Plan whose bill dates carry the fees (instead of fee dates)."
    )
    billing_interval: int | None = strawberry.field(description="Fees every this many bills of the billing plan.")
    billing_offset: int | None = strawberry.field(description="Bills of the billing plan skipped before the first fee.")
    commitment_fee_bill_in_advance: bool | None = strawberry.field(
        description="Fee timing; none = the organization's default."
    )
    commitment_fee_description: str | None = strawberry.field(description="Text of fee lines.")
    commitment_usage_description: str | None = strawberry.field(description="Text of drawdown lines.")
    overage_description: str | None = strawberry.field(description="Text of overage lines.")
    child_billing_mode: ChildBillingMode | None = strawberry.field(
        description="Where child accounts' drawdown is billed."
    )
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The account.")
    async def account(self, info: Info) -> Account | None:
        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @classmethod
    def of(cls, row: m.Commitment) -> Commitment:
        mode = ChildBillingModeValue(row.child_billing_mode) if row.child_billing_mode else None
        return cls(
            **versioned_fields(row),
            account_id=optional_id(row.account_id),
            code=row.code,
            currency=row.currency,
            amount=row.amount,
            amount_pre_paid=row.amount_pre_paid,
            amount_first_bill=row.amount_first_bill,
            amount_spent=row.amount_spent,
            start_date=row.start_date,
            end_date=row.end_date,
            product_ids=[strawberry.ID(p) for p in row.product_ids],
            line_item_types=[CommitmentLineItemTypeValue(t) for t in row.line_item_types],
            overage_surcharge_percent=row.overage_surcharge_percent,
            separate_overage_usage=row.separate_overage_usage,
            fee_dates=[CommitmentFee.of(f) for f in row.fee_dates],
            billing_plan_id=optional_id(row.billing_plan_id),
            billing_interval=row.billing_interval,
            billing_offset=row.billing_offset,
            commitment_fee_bill_in_advance=row.commitment_fee_bill_in_advance,
            commitment_fee_description=row.commitment_fee_description,
            commitment_usage_description=row.commitment_usage_description,
            overage_description=row.overage_description,
            child_billing_mode=mode,
        )
