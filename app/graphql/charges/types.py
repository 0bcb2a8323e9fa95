"""Output type Charge (SEMANTICS §9.1), with its account and bill."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.entity_fields import optional_id
from app.graphql.loaders import children_by, load, one_by_id
from app.models import accounts as account_models
from app.models import billing as billing_models
from app.models.charges import Charge as ChargeRow

if TYPE_CHECKING:
    from app.graphql.accounts import Account
    from app.graphql.billing import Bill

ACCOUNT_BY_ID = one_by_id(account_models.Account)
BILL_BY_ID = one_by_id(billing_models.Bill)
CHARGES_BY_ACCOUNT = children_by(ChargeRow, "account_id", ("bill_date", "id"))


@strawberry.enum(description="What a charge is for: an ad hoc amount, or a fee of a balance.")
class ChargeEntityType(Enum):
    AD_HOC = "AD_HOC"
    BALANCE = "BALANCE"


@strawberry.enum(description="The kind of line a charge puts on its bill.")
class ChargeLineItemType(Enum):
    AD_HOC = "AD_HOC"
    BALANCE_FEE = "BALANCE_FEE"


@strawberry.type(description="A one-off amount billed to an account on a bill date (ad hoc charge).")
class Charge:
    id: strawberry.ID = strawberry.field(description="Id of the charge.")
    version: int = strawberry.field(description="Incremented by every update.")
    account_id: strawberry.ID = strawberry.field(description="The account charged.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name of the charge.")
    currency: str = strawberry.field(description="Currency of the amount.")
    amount: Decimal | None = strawberry.field(description="The amount (or units × unitPrice); negative: a credit.")
    units: Decimal | None = strawberry.field(description="Units charged (with unitPrice, instead of amount).")
    unit_price: Decimal | None = strawberry.field(description="Price of one unit (with units).")
    bill_date: date = strawberry.field(description="Date of the bill that carries it.")
    service_period_start_date: datetime = strawberry.field(description="Start of the period charged for (inclusive).")
    service_period_end_date: datetime = strawberry.field(description="End of the period charged for (exclusive).")
    description: str | None = strawberry.field(description="Text of its line; none: the name.")
    notes: str | None = strawberry.field(description="Notes, not printed.")
    entity_type: ChargeEntityType = strawberry.field(description="AD_HOC, or BALANCE for a balance's fee.")
    entity_id: strawberry.ID | None = strawberry.field(description="The balance of a BALANCE charge.")
    line_item_type: ChargeLineItemType = strawberry.field(description="Kind of its line (read-only).")
    bill_id: strawberry.ID | None = strawberry.field(description="The bill carrying it, once billed (read-only).")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @strawberry.field(description="The account charged.")
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("app.graphql.accounts")] | None:
        from app.graphql.accounts import Account

        row = await load(info, ACCOUNT_BY_ID, uuid.UUID(self.account_id))
        return Account.of(row) if row else None

    @strawberry.field(description="The bill carrying it, once billed.")
    async def bill(self, info: Info) -> Annotated[Bill, strawberry.lazy("app.graphql.billing")] | None:
        from app.graphql.billing import Bill

        if self.bill_id is None:
            return None
        row = await load(info, BILL_BY_ID, uuid.UUID(self.bill_id))
        return Bill.of(row) if row else None

    @classmethod
    def of(cls, row: ChargeRow) -> Charge:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            account_id=strawberry.ID(str(row.account_id)),
            code=row.code,
            name=row.name,
            currency=row.currency,
            amount=row.amount,
            units=row.units,
            unit_price=row.unit_price,
            bill_date=row.bill_date,
            service_period_start_date=row.service_period_start,
            service_period_end_date=row.service_period_end,
            description=row.description,
            notes=row.notes,
            entity_type=ChargeEntityType(row.entity_type),
            entity_id=optional_id(row.entity_id),
            line_item_type=ChargeLineItemType(row.line_item_type),
            bill_id=optional_id(row.bill_id),
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            last_modified_by=row.last_modified_by,
        )
