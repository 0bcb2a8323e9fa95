"""Root queries: accounts, account plans and commitments, each as a filtered connection
and one by id or code, always within the caller's organization."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.graphql.accounts.types import Account, AccountPlan, Commitment
from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import BadRequest
from app.graphql.inputs import filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models import accounts as m

READ = "config:retrieve"


@strawberry.input(description="Narrows the account list; every given criterion must hold.")
class AccountFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    parent_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only children of this account."
    )
    has_parent: bool | None = strawberry.field(
        default=None, description="true: only child accounts; false: only top-level accounts."
    )
    search: str | None = strawberry.field(
        default=None,
        description=(
            "Only accounts whose code or name contains this text, ignoring case and the text's leading and"
            " trailing spaces (`%` and `_` are plain characters). Empty: every account."
        ),
    )


@strawberry.input(description="Narrows the account plan list; every given criterion must hold.")
class AccountPlanFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only attachments to this account.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Only attachments of this plan.")
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only attachments of plans of this product."
    )
    active_at: datetime | None = strawberry.field(default=None, description="Only attachments active at this instant.")


@strawberry.input(description="Narrows the commitment list; every given criterion must hold.")
class CommitmentFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only commitments of this account.")
    active_on: date | None = strawberry.field(default=None, description="Only commitments covering this day.")


def _common(
    query: QuerySet, ids: list[strawberry.ID] | None, codes: list[str] | None, **foreign: strawberry.ID | None
) -> QuerySet:
    if ids is not None:
        query = query.filter(id__in=filter_ids(ids, "ids"))
    if codes is not None:
        query = query.filter(code__in=codes)
    for column, value in foreign.items():
        if value is not None:
            head, *rest = column.split("_")
            query = query.filter(**{column: filter_ids([value], head + "".join(r.title() for r in rest))[0]})
    return query


def filter_accounts(query: QuerySet, flt: AccountFilter | None) -> QuerySet:
    if flt is None:
        return query
    query = _common(query, flt.ids, flt.codes, parent_account_id=flt.parent_account_id)
    if flt.has_parent is not None:
        query = query.filter(parent_account_id__isnull=not flt.has_parent)
    # The console's account search: the organization's accounts, not only the page it has.
    text = (flt.search or "").strip()
    return query.filter(Q(code__icontains=text) | Q(name__icontains=text)) if text else query


def filter_account_plans(query: QuerySet, flt: AccountPlanFilter | None) -> QuerySet:
    if flt is None:
        return query
    query = _common(
        query, flt.ids, flt.codes, account_id=flt.account_id, plan_id=flt.plan_id, product_id=flt.product_id
    )
    if flt.active_at is not None:
        if flt.active_at.tzinfo is None:
            raise BadRequest("filter.activeAt must include a UTC offset")
        query = query.filter(Q(end_date__isnull=True) | Q(end_date__gt=flt.active_at), start_date__lte=flt.active_at)
    return query


def filter_commitments(query: QuerySet, flt: CommitmentFilter | None) -> QuerySet:
    if flt is None:
        return query
    query = _common(query, flt.ids, flt.codes, account_id=flt.account_id)
    if flt.active_on is not None:
        query = query.filter(start_date__lte=flt.active_on, end_date__gt=flt.active_on)
    return query


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Accounts of the organization, by code.", extensions=authorize(READ, "account"))
    async def accounts(
        self, info: Info, first: int | None = None, after: str | None = None, filter: AccountFilter | None = None
    ) -> Connection[Account]:
        query = filter_accounts(m.Account.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, Account.of, order_by=("code",))

    @strawberry.field(description="One account by id or code.", extensions=authorize(READ, "account"))
    async def account(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Account | None:
        found = await by_id_or_code(m.Account.filter(organization_id=info.context.organization_id), id, code)
        return Account.of(found) if found else None

    @strawberry.field(
        description="Plan attachments of the organization, by start date.", extensions=authorize(READ, "accountPlan")
    )
    async def account_plans(
        self, info: Info, first: int | None = None, after: str | None = None, filter: AccountPlanFilter | None = None
    ) -> Connection[AccountPlan]:
        query = filter_account_plans(m.AccountPlan.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, AccountPlan.of, order_by=("start_date",))

    @strawberry.field(description="One plan attachment by id or code.", extensions=authorize(READ, "accountPlan"))
    async def account_plan(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> AccountPlan | None:
        found = await by_id_or_code(m.AccountPlan.filter(organization_id=info.context.organization_id), id, code)
        return AccountPlan.of(found) if found else None

    @strawberry.field(
        description="Commitments of the organization, by start date.", extensions=authorize(READ, "commitment")
    )
    async def commitments(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CommitmentFilter | None = None
    ) -> Connection[Commitment]:
        query = filter_commitments(m.Commitment.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, Commitment.of, order_by=("start_date",))

    @strawberry.field(description="One commitment by id or code.", extensions=authorize(READ, "commitment"))
    async def commitment(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> Commitment | None:
        found = await by_id_or_code(m.Commitment.filter(organization_id=info.context.organization_id), id, code)
        return Commitment.of(found) if found else None
