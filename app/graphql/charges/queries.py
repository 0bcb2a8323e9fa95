"""Root queries of charges: a filtered connection, and one by id or code."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.authorization import authorize
from app.graphql.charges.types import Charge
from app.graphql.context import Info
from app.graphql.inputs import filter_id, filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models.charges import Charge as ChargeRow

READ = "config:retrieve"


@strawberry.input(description="Narrows the charge list; every given criterion must hold.")
class ChargeFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only charges of this account.")
    bill_id: strawberry.ID | None = strawberry.field(default=None, description="Only charges on this bill.")
    bill_date_from: date | None = strawberry.field(default=None, description="Only bill dates on or after this day.")
    bill_date_to: date | None = strawberry.field(default=None, description="Only bill dates before this day.")


def filter_charges(query: QuerySet, flt: ChargeFilter | None) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if flt.codes is not None:
        query = query.filter(code__in=flt.codes)
    if flt.account_id is not None:
        query = query.filter(account_id=filter_id(flt.account_id, "accountId"))
    if flt.bill_id is not None:
        query = query.filter(bill_id=filter_id(flt.bill_id, "billId"))
    if flt.bill_date_from is not None:
        query = query.filter(bill_date__gte=flt.bill_date_from)
    if flt.bill_date_to is not None:
        query = query.filter(bill_date__lt=flt.bill_date_to)
    return query


@strawberry.type
class ChargeQuery:
    @strawberry.field(description="Charges of the organization, by bill date.", extensions=authorize(READ, "charge"))
    async def charges(
        self, info: Info, first: int | None = None, after: str | None = None, filter: ChargeFilter | None = None
    ) -> Connection[Charge]:
        query = filter_charges(ChargeRow.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, Charge.of, order_by=("bill_date",))

    @strawberry.field(description="One charge by id or code.", extensions=authorize(READ, "charge"))
    async def charge(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Charge | None:
        found = await by_id_or_code(ChargeRow.filter(organization_id=info.context.organization_id), id, code)
        return Charge.of(found) if found else None
