"""Root queries of the organization: `me`, `organizationConfig`, currencies."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import AUTHENTICATED, authorize
from app.graphql.context import Info
from app.graphql.lookups import by_id_or_code
from app.graphql.organization.types import READ, Currency, Me, OrganizationConfig
from app.graphql.pagination import Connection, paginate
from app.models.organization import Currency as CurrencyModel
from app.services import organization_config


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="The authenticated caller.", extensions=AUTHENTICATED)
    def me(self, info: Info) -> Me:
        p = info.context.require_principal()
        return Me(
            organization_id=strawberry.ID(str(p.organization_id)),
            principal_type=p.principal_type,
            principal_id=strawberry.ID(str(p.principal_id)),
            access_key_id=p.access_key_id,
        )

    @strawberry.field(
        description="The organization's billing configuration.", extensions=authorize(READ, "organization")
    )
    async def organization_config(self, info: Info) -> OrganizationConfig:
        org = info.context.require_principal().organization_id
        return OrganizationConfig.of(await organization_config.get_config(org))

    @strawberry.field(description="Currencies of the organization.", extensions=authorize(READ, "currency"))
    async def currencies(
        self, info: Info, first: int | None = None, after: str | None = None, codes: list[str] | None = None
    ) -> Connection[Currency]:
        query = CurrencyModel.filter(organization_id=info.context.require_principal().organization_id)
        if codes:
            query = query.filter(code__in=codes)
        return await paginate(query, first, after, Currency.of, order_by=("code",))

    @strawberry.field(description="One currency by id or code.", extensions=authorize(READ, "currency"))
    async def currency(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Currency | None:
        query = CurrencyModel.filter(organization_id=info.context.require_principal().organization_id)
        found = await by_id_or_code(query, id, code)
        return Currency.of(found) if found else None
