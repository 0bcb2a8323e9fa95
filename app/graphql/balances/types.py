"""Output types: Balance with its amount, transaction summary, transactions and account;
BalanceTransaction; TransactionType (SEMANTICS §11.1, §11.2 rule 7)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.domain.billing.balances_summary import BalanceSummary
from app.graphql.context import Info
from app.graphql.entity_fields import optional_id, versioned_fields
from app.graphql.loaders import LoaderSpec, RequestLoader, children_by, load, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.models import accounts as account_models
from app.models.balances import Balance as BalanceRow
from app.models.balances import BalanceTransaction as TransactionRow
from app.models.balances import TransactionType as TransactionTypeRow
from app.services.balances.amounts import balance_summaries

if TYPE_CHECKING:
    from app.graphql.accounts import Account

ACCOUNT_BY_ID = one_by_id(account_models.Account)
BALANCES_BY_ACCOUNT = children_by(BalanceRow, "account_id", ("end_date", "code"))
TRANSACTIONS_BY_BALANCE = children_by(TransactionRow, "balance_id", ("applied_date", "id"))
TRANSACTION_TYPE_BY_ID = one_by_id(TransactionTypeRow)


def _summaries(organization_id: uuid.UUID) -> RequestLoader:
    async def load_summaries(keys: list[Any]) -> list[BalanceSummary | None]:
        rows = await BalanceRow.filter(organization_id=organization_id, id__in=keys)
        found = await balance_summaries(organization_id, rows)
        return [found.get(key) for key in keys]

    return RequestLoader(load_summaries)


SUMMARY_BY_BALANCE: LoaderSpec = ("Balance.summary", _summaries)


@strawberry.enum(description="Kinds of bill line a balance can draw down.")
class BalanceLineItemType(Enum):
    STANDING_CHARGE = "STANDING_CHARGE"
    USAGE = "USAGE"
    MINIMUM_SPEND = "MINIMUM_SPEND"
    COUNTER_RUNNING_TOTAL_CHARGE = "COUNTER_RUNNING_TOTAL_CHARGE"
    COUNTER_ADJUSTMENT_DEBIT = "COUNTER_ADJUSTMENT_DEBIT"
    AD_HOC = "AD_HOC"


@strawberry.type(description="Where a balance's credits went, from the stored bills (moves while they can change).")
class TransactionSummary:
    total_credit_amount: Decimal = strawberry.field(description="Sum of the credits applied so far.")
    total_debit_amount: Decimal = strawberry.field(description="Drawn by bills: balanceConsumed + rolloverConsumed.")
    initial_credit_amount: Decimal = strawberry.field(description="The earliest credit.")
    expired_balance_amount: Decimal = strawberry.field(description="Expired at the end date (beyond the rollover).")
    rollover_consumed: Decimal = strawberry.field(description="Drawn from the rollover, after the end date.")
    balance_consumed: Decimal = strawberry.field(description="Drawn before the end date.")
    rollover_expired_amount: Decimal = strawberry.field(description="Rollover unused at the rollover end date.")

    @classmethod
    def of(cls, s: BalanceSummary) -> TransactionSummary:
        return cls(
            total_credit_amount=s.total_credit_amount,
            total_debit_amount=s.total_debit_amount,
            initial_credit_amount=s.initial_credit_amount,
            expired_balance_amount=s.expired_balance_amount,
            rollover_consumed=s.rollover_consumed,
            balance_consumed=s.balance_consumed,
            rollover_expired_amount=s.rollover_expired_amount,
        )


@strawberry.type(description="A reason a balance is credited (picklist).")
class TransactionType:
    id: strawberry.ID = strawberry.field(description="Id of the transaction type.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name shown to people.")
    archived: bool = strawberry.field(description="Archived types cannot be given to new transactions.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @classmethod
    def of(cls, row: TransactionTypeRow) -> TransactionType:
        return cls(**versioned_fields(row), code=row.code, name=row.name, archived=row.archived)


@strawberry.type(description="A credit to a balance; never changed.")
class BalanceTransaction:
    id: strawberry.ID = strawberry.field(description="Id of the transaction.")
    version: int = strawberry.field(description="Incremented by every update (transactions are never updated).")
    balance_id: strawberry.ID = strawberry.field(description="The balance credited.")
    amount: Decimal = strawberry.field(description="Amount credited, in the balance currency.")
    applied_date: datetime = strawberry.field(description="From when bills may draw it (before the balance's end).")
    transaction_date: datetime | None = strawberry.field(description="When the money was received.")
    description: str | None = strawberry.field(description="Description.")
    paid: Decimal | None = strawberry.field(description="Amount paid (informational).")
    currency_paid: str | None = strawberry.field(description="Currency paid in (informational).")
    transaction_type_id: strawberry.ID | None = strawberry.field(description="Why the balance was credited.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="Why the balance was credited.")
    async def transaction_type(self, info: Info) -> TransactionType | None:
        if self.transaction_type_id is None:
            return None
        row = await load(info, TRANSACTION_TYPE_BY_ID, uuid.UUID(self.transaction_type_id))
        return TransactionType.of(row) if row else None

    @classmethod
    def of(cls, row: TransactionRow) -> BalanceTransaction:
        return cls(
            **versioned_fields(row),
            balance_id=strawberry.ID(str(row.balance_id)),
            amount=row.amount,
            applied_date=row.applied_date,
            transaction_date=row.transaction_date,
            description=row.description,
            paid=row.paid,
            currency_paid=row.currency_paid,
            transaction_type_id=optional_id(row.transaction_type_id),
        )


@strawberry.type(description="Prepaid money of an account that its bills draw down (SEMANTICS §11).")
class Balance:
    id: strawberry.ID = strawberry.field(description="Id of the balance.")
    version: int = strawberry.field(description="Incremented by every update.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    currency: str = strawberry.field(description="Currency of its credits and draws.")
    start_date: datetime = strawberry.field(description="Lines whose service starts from here draw (inclusive).")
    end_date: datetime = strawberry.field(
        description="End of the window (exclusive); the remainder then rolls or expires."
    )
    rollover_end_date: datetime | None = strawberry.field(description="End of the rollover window (exclusive).")
    rollover_amount: Decimal | None = strawberry.field(description="Cap on what rolls over; none: no cap.")
    product_ids: list[strawberry.ID] = strawberry.field(description="Products whose charges draw; empty = all.")
    line_item_types: list[BalanceLineItemType] = strawberry.field(description="Line kinds that draw; empty = all.")
    overage_surcharge_percent: Decimal | None = strawberry.field(
        description="Surcharge on eligible charges left uncovered when it is the last exhausted source, in percent."
    )
    balance_draw_down_description: str | None = strawberry.field(description="Text of its BALANCE_CONSUMED lines.")
    overage_description: str | None = strawberry.field(description="Text of its OVERAGE_SURCHARGE lines.")
    description: str | None = strawberry.field(description="Description.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="Available now: derived from its credits and the stored bills' draws (read-only).")
    async def amount(self, info: Info) -> Decimal:
        summary = await load(info, SUMMARY_BY_BALANCE, uuid.UUID(self.id))
        return summary.amount if summary else Decimal(0)

    @strawberry.field(description="Where its credits went (SEMANTICS §11.2 rule 7).")
    async def transaction_summary(self, info: Info) -> TransactionSummary | None:
        summary = await load(info, SUMMARY_BY_BALANCE, uuid.UUID(self.id))
        return TransactionSummary.of(summary) if summary else None

    @strawberry.field(description="Its credits, by applied date.")
    async def transactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BalanceTransaction]:
        rows = await load(info, TRANSACTIONS_BY_BALANCE, uuid.UUID(self.id))
        return connection_of_list(rows, first, after, BalanceTransaction.of)

    @strawberry.field(description="The account.")
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("app.graphql.accounts")] | None:
        from app.graphql.accounts import Account

        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @classmethod
    def of(cls, row: BalanceRow) -> Balance:
        return cls(
            **versioned_fields(row),
            account_id=strawberry.ID(str(row.account_id)),
            code=row.code,
            name=row.name,
            currency=row.currency,
            start_date=row.start_date,
            end_date=row.end_date,
            rollover_end_date=row.rollover_end_date,
            rollover_amount=row.rollover_amount,
            product_ids=[strawberry.ID(p) for p in row.product_ids],
            line_item_types=[BalanceLineItemType(t) for t in row.line_item_types],
            overage_surcharge_percent=row.overage_surcharge_percent,
            balance_draw_down_description=row.balance_draw_down_description,
            overage_description=row.overage_description,
            description=row.description,
        )
