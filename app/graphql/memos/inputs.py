"""Inputs and payloads of the memo mutations (SEMANTICS §12.1), and the commands they become."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from app.domain.billing import LineType
from app.graphql.billing.line_items import LineItem, LineItemType
from app.graphql.billing.types import Bill
from app.graphql.errors import UserError
from app.graphql.inputs import command_fields, parse_id
from app.graphql.memos.types import CreditReason, DebitReason
from app.services.errors import ErrorCode, fail
from app.services.memos import CreateMemo, MemoFields, MemoType, ReasonFields, UpdateMemo, UpdateReason


@strawberry.input(description="A new credit or debit reason.")
class CreateReasonInput:
    name: str = strawberry.field(description="Display name, 1–200 characters.")
    code: str = strawberry.field(description="Code, unique per organization within its picklist.")
    archived: bool | None = strawberry.field(default=strawberry.UNSET, description="Archived from the start.")

    def to_command(self) -> ReasonFields:
        return ReasonFields(**command_fields(ReasonFields, self))


@strawberry.input(description="Fields of a reason to change; fields left out stay as they are.")
class UpdateReasonInput:
    id: strawberry.ID = strawberry.field(description="The reason.")
    version: int = strawberry.field(description="The version you read.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    code: str | None = strawberry.field(default=strawberry.UNSET, description="Code.")
    archived: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Archive (true) or restore (false) the reason."
    )

    def to_command(self) -> UpdateReason:
        return UpdateReason(parse_id(self.id), self.version, ReasonFields(**command_fields(ReasonFields, self)))


@strawberry.input(description="A memo line to add to a PENDING bill (SEMANTICS §12.1).")
class CreateBillLineItemInput:
    bill_id: strawberry.ID = strawberry.field(description="The bill; it must be PENDING and unlocked.")
    line_item_type: LineItemType = strawberry.field(description="CREDIT_MEMO or DEBIT_MEMO.")
    amount: Decimal = strawberry.field(
        description="Greater than 0, in the bill currency; a credit lowers the bill, a debit raises it."
    )
    reason_id: strawberry.ID = strawberry.field(description="A non-archived CreditReason or DebitReason.")
    description: str = strawberry.field(description="Text printed on the bill, 1–200 characters.")
    service_period_start_date: datetime = strawberry.field(description="Start of the period the memo is about.")
    service_period_end_date: datetime = strawberry.field(description="End of that period; not before its start.")
    product_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The product, if any.")
    referenced_bill_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The bill of the line corrected: this or an earlier bill of the account."
    )
    referenced_line_item_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The line corrected; a credit on it is capped by its convertedSubtotal less other credits.",
    )

    def to_command(self) -> CreateMemo:
        line_type = LineType(self.line_item_type).value
        if line_type not in MemoType.__members__:
            raise fail(("input", "lineItemType"), ErrorCode.INVALID, "only CREDIT_MEMO and DEBIT_MEMO lines are added")
        return CreateMemo(self.bill_id, MemoType(line_type), MemoFields(**command_fields(MemoFields, self)))


@strawberry.input(description="Fields of a memo line to change; fields left out stay as they are.")
class UpdateBillLineItemInput:
    id: strawberry.ID = strawberry.field(description="The memo line.")
    version: int = strawberry.field(description="The version you read.")
    amount: Decimal | None = strawberry.field(default=strawberry.UNSET, description="Greater than 0.")
    reason_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="A non-archived reason.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    service_period_start_date: datetime | None = strawberry.field(default=strawberry.UNSET, description="Start.")
    service_period_end_date: datetime | None = strawberry.field(default=strawberry.UNSET, description="End.")
    product_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The product.")
    referenced_bill_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The bill of the line corrected."
    )
    referenced_line_item_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The line corrected."
    )

    def to_command(self) -> UpdateMemo:
        return UpdateMemo(parse_id(self.id), self.version, MemoFields(**command_fields(MemoFields, self)))


@strawberry.input(description="The bill to set back to PENDING.")
class SetBillPendingInput:
    id: strawberry.ID = strawberry.field(description="The bill; it must be unlocked.")
    version: int = strawberry.field(description="The version you read.")


@strawberry.type(description="Result of a credit reason mutation.")
class CreditReasonPayload:
    credit_reason: CreditReason | None = strawberry.field(description="The reason after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a debit reason mutation.")
class DebitReasonPayload:
    debit_reason: DebitReason | None = strawberry.field(description="The reason after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a memo line mutation.")
class BillLineItemPayload:
    line_item: LineItem | None = strawberry.field(description="The memo line after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of setBillPending.")
class SetBillPendingPayload:
    bill: Bill | None = strawberry.field(description="The bill after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")
