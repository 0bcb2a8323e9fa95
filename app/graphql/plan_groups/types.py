"""Output types PlanGroup and PlanGroupLink (SEMANTICS §10.1), with their nested edges."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.graphql.context import Info
from app.graphql.entity_fields import optional_id, versioned_fields
from app.graphql.loaders import children_by, load, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.models import accounts as account_models
from app.models import catalog as catalog_models
from app.models import plan_groups as m

if TYPE_CHECKING:
    from app.graphql.accounts import Account, AccountPlan
    from app.graphql.catalog.plans import Plan

ACCOUNTS = "app.graphql.accounts"
PLANS = "app.graphql.catalog.plans"
GROUP_BY_ID = one_by_id(m.PlanGroup)
PLAN_BY_ID = one_by_id(catalog_models.Plan)
ACCOUNT_BY_ID = one_by_id(account_models.Account)
LINKS_BY_GROUP = children_by(m.PlanGroupLink, "plan_group_id", ("dt_created", "id"))
ATTACHMENTS_BY_GROUP = children_by(account_models.AccountPlan, "plan_group_id", ("start_date", "id"))


@strawberry.type(description="Plans of several products sold together under one minimum spend and standing charge.")
class PlanGroup:
    id: strawberry.ID = strawberry.field(description="Id of the plan group.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name of the group.")
    currency: str = strawberry.field(description="Currency of the group and of every linked plan.")
    minimum_spend: Decimal = strawberry.field(description="Minimum spend per period over the group's plans.")
    standing_charge: Decimal = strawberry.field(description="Standing charge per period of the group.")
    minimum_spend_description: str | None = strawberry.field(description="Text of the group's minimum lines.")
    standing_charge_description: str | None = strawberry.field(description="Text of the group's standing charges.")
    minimum_spend_bill_in_advance: bool | None = strawberry.field(
        description="Minimum billed in advance; none = the organization's default."
    )
    standing_charge_bill_in_advance: bool | None = strawberry.field(
        description="Standing charge billed in advance; none = the organization's default."
    )
    account_id: strawberry.ID | None = strawberry.field(description="The account a bespoke group is for.")
    custom_fields: JSON = strawberry.field(description="Custom name → string or number map.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The links to the group's plans, one per product.")
    async def links(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[PlanGroupLink]:
        rows = await load(info, LINKS_BY_GROUP, uuid.UUID(self.id))
        return connection_of_list(rows, first, after, PlanGroupLink.of)

    @strawberry.field(description="The group's plans, one per product.")
    async def plans(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Plan, strawberry.lazy(PLANS)]]:
        from app.graphql.catalog.plans import Plan

        links = await load(info, LINKS_BY_GROUP, uuid.UUID(self.id))
        # Gathered, so the loader reads every plan of the page in one query.
        found = await asyncio.gather(*(load(info, PLAN_BY_ID, link.plan_id) for link in links))
        rows = [row for row in found if row is not None]
        return connection_of_list(rows, first, after, Plan.of)

    @strawberry.field(description="The account plans that attach the group.")
    async def account_plans(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[AccountPlan, strawberry.lazy(ACCOUNTS)]]:
        from app.graphql.accounts import AccountPlan

        rows = await load(info, ATTACHMENTS_BY_GROUP, uuid.UUID(self.id))
        return connection_of_list(rows, first, after, AccountPlan.of)

    @strawberry.field(description="The account a bespoke group is for.")
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy(ACCOUNTS)] | None:
        from app.graphql.accounts import Account

        if self.account_id is None:
            return None
        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @classmethod
    def of(cls, row: m.PlanGroup) -> PlanGroup:
        return cls(
            **versioned_fields(row),
            code=row.code,
            name=row.name,
            currency=row.currency,
            minimum_spend=row.minimum_spend,
            standing_charge=row.standing_charge,
            minimum_spend_description=row.minimum_spend_description,
            standing_charge_description=row.standing_charge_description,
            minimum_spend_bill_in_advance=row.minimum_spend_bill_in_advance,
            standing_charge_bill_in_advance=row.standing_charge_bill_in_advance,
            account_id=optional_id(row.account_id),
            custom_fields=row.custom_fields,
        )


@strawberry.type(description="A plan in a plan group (one plan per product per group).")
class PlanGroupLink:
    id: strawberry.ID = strawberry.field(description="Id of the link.")
    version: int = strawberry.field(description="Incremented by every update.")
    plan_group_id: strawberry.ID = strawberry.field(description="The group.")
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    product_id: strawberry.ID = strawberry.field(description="The plan's product.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The group.")
    async def plan_group(self, info: Info) -> PlanGroup | None:
        row = await load(info, GROUP_BY_ID, uuid.UUID(self.plan_group_id))
        return PlanGroup.of(row) if row else None

    @strawberry.field(description="The plan.")
    async def plan(self, info: Info) -> Annotated[Plan, strawberry.lazy(PLANS)] | None:
        from app.graphql.catalog.plans import Plan

        row = await load(info, PLAN_BY_ID, uuid.UUID(self.plan_id))
        return Plan.of(row) if row else None

    @classmethod
    def of(cls, row: m.PlanGroupLink) -> PlanGroupLink:
        return cls(
            **versioned_fields(row),
            plan_group_id=strawberry.ID(str(row.plan_group_id)),
            plan_id=strawberry.ID(str(row.plan_id)),
            product_id=strawberry.ID(str(row.product_id)),
        )
