"""Root queries: balances, balance transactions and transaction types, each as a filtered
connection and one by id (or code), always within the caller's organization."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.authorization import authorize
from app.graphql.balances.types import Balance, BalanceTransaction, TransactionType
from app.graphql.context import Info
from app.graphql.errors import BadRequest
from app.graphql.inputs import filter_id, filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models import balances as m

READ = "config:retrieve"


@strawberry.input(description="Narrows the balance list; every given criterion must hold.")
class BalanceFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only balances of this account.")
    active_at: datetime | None = strawberry.field(default=None, description="Only balances whose window holds this.")


@strawberry.input(description="Narrows the balance transaction list.")
class BalanceTransactionFilter:
    balance_id: strawberry.ID | None = strawberry.field(default=None, description="Only credits of this balance.")


@strawberry.input(description="Narrows the transaction type list; every given criterion must hold.")
class TransactionTypeFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    archived: bool | None = strawberry.field(default=None, description="Only archived (true) or active (false).")


@strawberry.type
class BalanceQuery:
    @strawberry.field(description="Balances of the organization, by end date.", extensions=authorize(READ, "balance"))
    async def balances(
        self, info: Info, first: int | None = None, after: str | None = None, filter: BalanceFilter | None = None
    ) -> Connection[Balance]:
        query = m.Balance.filter(organization_id=info.context.organization_id)
        if filter is not None:
            if filter.ids is not None:
                query = query.filter(id__in=filter_ids(filter.ids, "ids"))
            if filter.codes is not None:
                query = query.filter(code__in=filter.codes)
            if filter.account_id is not None:
                query = query.filter(account_id=filter_id(filter.account_id, "accountId"))
            if filter.active_at is not None:
                if filter.active_at.tzinfo is None:
                    raise BadRequest("filter.activeAt must include a UTC offset")
                query = query.filter(start_date__lte=filter.active_at, end_date__gt=filter.active_at)
        return await paginate(query, first, after, Balance.of, order_by=("end_date", "code"))

    @strawberry.field(description="One balance by id or code.", extensions=authorize(READ, "balance"))
    async def balance(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Balance | None:
        found = await by_id_or_code(m.Balance.filter(organization_id=info.context.organization_id), id, code)
        return Balance.of(found) if found else None

    @strawberry.field(
        description="Balance credits of the organization, by applied date.",
        extensions=authorize(READ, "balanceTransaction"),
    )
    async def balance_transactions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: BalanceTransactionFilter | None = None,
    ) -> Connection[BalanceTransaction]:
        query = m.BalanceTransaction.filter(organization_id=info.context.organization_id)
        if filter is not None and filter.balance_id is not None:
            query = query.filter(balance_id=filter_id(filter.balance_id, "balanceId"))
        return await paginate(query, first, after, BalanceTransaction.of, order_by=("applied_date",))

    @strawberry.field(
        description="Transaction types of the organization, by code.", extensions=authorize(READ, "transactionType")
    )
    async def transaction_types(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: TransactionTypeFilter | None = None,
    ) -> Connection[TransactionType]:
        query = m.TransactionType.filter(organization_id=info.context.organization_id)
        if filter is not None:
            if filter.ids is not None:
                query = query.filter(id__in=filter_ids(filter.ids, "ids"))
            if filter.codes is not None:
                query = query.filter(code__in=filter.codes)
            if filter.archived is not None:
                query = query.filter(archived=filter.archived)
        return await paginate(query, first, after, TransactionType.of, order_by=("code",))

    @strawberry.field(description="One transaction type by id or code.", extensions=authorize(READ, "transactionType"))
    async def transaction_type(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> TransactionType | None:
        found = await by_id_or_code(m.TransactionType.filter(organization_id=info.context.organization_id), id, code)
        return TransactionType.of(found) if found else None
