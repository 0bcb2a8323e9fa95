"""The organization's bill settings (SEMANTICS §13.2 rule 5): `billConfig` and `updateBillConfig`.

Reading them needs what reading bills needs (`config:retrieve` on `bill`); changing them
locks and unlocks bills, so it needs what locking a bill needs (`bills:approve` on `bill`).
The rules are in `app.services.billing.lock_date`.
"""

from __future__ import annotations

from datetime import date

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import UserError, respond
from app.models import billing as m
from app.services.billing import lock_date
from app.services.billing.commands import UpdateBillConfig
from app.services.statements import request_lock_date_statements

READ, APPROVE = "config:retrieve", "bills:approve"


@strawberry.type(description="The organization's bill settings.")
class BillConfig:
    bill_lock_date: date | None = strawberry.field(
        description="Every bill whose period ends on or before this day is locked; null = none."
    )
    version: int = strawberry.field(description="Incremented by every change; name it when you update.")

    @classmethod
    def of(cls, row: m.BillConfig) -> BillConfig:
        return cls(bill_lock_date=row.bill_lock_date, version=row.version)


@strawberry.input(description="New bill settings.")
class UpdateBillConfigInput:
    bill_lock_date: date | None = strawberry.field(
        description="Lock every bill whose period ends on or before this day (refused while one of them is PENDING); "
        "an earlier date or null unlocks only the bills the lock date had locked."
    )
    version: int = strawberry.field(description="The version you read.")

    def to_command(self) -> UpdateBillConfig:
        return UpdateBillConfig(bill_lock_date=self.bill_lock_date, version=self.version)


@strawberry.type(description="Result of updateBillConfig.")
class BillConfigPayload:
    bill_config: BillConfig | None = strawberry.field(description="The settings after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class BillConfigQuery:
    @strawberry.field(description="The organization's bill settings.", extensions=authorize(READ, "bill"))
    async def bill_config(self, info: Info) -> BillConfig:
        return BillConfig.of(await lock_date.get_bill_config(info.context.require_principal().organization_id))


@strawberry.type
class BillConfigMutation:
    @strawberry.mutation(
        description="Change the bill settings: moving the lock date locks or unlocks bills.",
        extensions=authorize(APPROVE, "bill"),
    )
    async def update_bill_config(self, info: Info, input: UpdateBillConfigInput) -> BillConfigPayload:
        p = info.context.require_principal()

        async def update() -> m.BillConfig:
            config = await lock_date.update_bill_config(p.organization_id, input.to_command(), actor=p.actor)
            # After the commit: statements of the bills the lock date locked (SEMANTICS §12.2 rule 2).
            from app.graphql.billing.mutations import enqueuer

            await request_lock_date_statements(p.organization_id, enqueue=enqueuer(info))
            return config

        return await respond(BillConfigPayload, "bill_config", update, BillConfig.of)
