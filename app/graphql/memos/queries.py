"""Root queries of memo reasons: `creditReasons`, `creditReason`, `debitReasons`, `debitReason`."""

from __future__ import annotations

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.lookups import by_id_or_code
from app.graphql.memos.types import CreditReason, DebitReason
from app.graphql.pagination import Connection, paginate
from app.models import memos as m

READ = "config:retrieve"


@strawberry.input(description="Which reasons to list.")
class ReasonFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    archived: bool | None = strawberry.field(default=None, description="Only archived (true) or active (false) ones.")


def _filtered(model: type[m.MemoReason], info: Info, flt: ReasonFilter | None) -> QuerySet:
    query = model.filter(organization_id=info.context.require_principal().organization_id)
    if flt is not None and flt.codes:
        query = query.filter(code__in=flt.codes)
    if flt is not None and flt.archived is not None:
        query = query.filter(archived=flt.archived)
    return query


@strawberry.type
class MemoQuery:
    @strawberry.field(description="The organization's credit reasons.", extensions=authorize(READ, "creditReason"))
    async def credit_reasons(
        self, info: Info, first: int | None = None, after: str | None = None, filter: ReasonFilter | None = None
    ) -> Connection[CreditReason]:
        query = _filtered(m.CreditReason, info, filter)
        return await paginate(query, first, after, CreditReason.of, order_by=("code",))

    @strawberry.field(description="One credit reason by id or code.", extensions=authorize(READ, "creditReason"))
    async def credit_reason(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> CreditReason | None:
        query = m.CreditReason.filter(organization_id=info.context.require_principal().organization_id)
        found = await by_id_or_code(query, id, code)
        return CreditReason.of(found) if found else None

    @strawberry.field(description="The organization's debit reasons.", extensions=authorize(READ, "debitReason"))
    async def debit_reasons(
        self, info: Info, first: int | None = None, after: str | None = None, filter: ReasonFilter | None = None
    ) -> Connection[DebitReason]:
        query = _filtered(m.DebitReason, info, filter)
        return await paginate(query, first, after, DebitReason.of, order_by=("code",))

    @strawberry.field(description="One debit reason by id or code.", extensions=authorize(READ, "debitReason"))
    async def debit_reason(
        self, info: Info, id: strawberry.ID | None = None, code: str | None = None
    ) -> DebitReason | None:
        query = m.DebitReason.filter(organization_id=info.context.require_principal().organization_id)
        found = await by_id_or_code(query, id, code)
        return DebitReason.of(found) if found else None
