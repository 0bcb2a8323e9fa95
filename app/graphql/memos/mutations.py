"""Root mutations of memos (SEMANTICS §12.1): the credit and debit reason picklists
(`config:*` on creditReason / debitReason), memo lines on PENDING bills and setting a bill
back to PENDING (`bills:approve`, the permission that decides a bill's status)."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.billing.line_items import LineItem
from app.graphql.billing.types import Bill
from app.graphql.context import Info
from app.graphql.errors import respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.memos.inputs import (
    BillLineItemPayload,
    CreateBillLineItemInput,
    CreateReasonInput,
    CreditReasonPayload,
    DebitReasonPayload,
    SetBillPendingInput,
    SetBillPendingPayload,
    UpdateBillLineItemInput,
    UpdateReasonInput,
)
from app.graphql.memos.types import CreditReason, DebitReason
from app.graphql.organization.inputs import DeleteInput, DeletePayload
from app.services import memos
from app.services.memos import ReasonKind

APPROVE = "bills:approve"
CREDIT, DEBIT = "creditReason", "debitReason"


@strawberry.type
class MemoMutation:
    @strawberry.mutation(description="Add a credit reason.", extensions=authorize("config:create", CREDIT))
    async def create_credit_reason(self, info: Info, input: CreateReasonInput) -> CreditReasonPayload:
        p = info.context.require_principal()
        return await respond(
            CreditReasonPayload,
            "credit_reason",
            lambda: memos.create_reason(p.organization_id, ReasonKind.CREDIT, input.to_command(), actor=p.actor),
            CreditReason.of,
        )

    @strawberry.mutation(
        description="Change or archive a credit reason.", extensions=authorize("config:update", CREDIT, input_item())
    )
    async def update_credit_reason(self, info: Info, input: UpdateReasonInput) -> CreditReasonPayload:
        p = info.context.require_principal()
        return await respond(
            CreditReasonPayload,
            "credit_reason",
            lambda: memos.update_reason(p.organization_id, ReasonKind.CREDIT, input.to_command(), actor=p.actor),
            CreditReason.of,
        )

    @strawberry.mutation(
        description="Delete a credit reason no memo line names (archive one in use).",
        extensions=authorize("config:delete", CREDIT, input_item()),
    )
    async def delete_credit_reason(self, info: Info, input: DeleteInput) -> DeletePayload:
        p = info.context.require_principal()
        return await respond_deleted(
            lambda: memos.delete_reason(
                p.organization_id, ReasonKind.CREDIT, parse_id(input.id), version=input.version
            ),
            input.id,
        )

    @strawberry.mutation(description="Add a debit reason.", extensions=authorize("config:create", DEBIT))
    async def create_debit_reason(self, info: Info, input: CreateReasonInput) -> DebitReasonPayload:
        p = info.context.require_principal()
        return await respond(
            DebitReasonPayload,
            "debit_reason",
            lambda: memos.create_reason(p.organization_id, ReasonKind.DEBIT, input.to_command(), actor=p.actor),
            DebitReason.of,
        )

    @strawberry.mutation(
        description="Change or archive a debit reason.", extensions=authorize("config:update", DEBIT, input_item())
    )
    async def update_debit_reason(self, info: Info, input: UpdateReasonInput) -> DebitReasonPayload:
        p = info.context.require_principal()
        return await respond(
            DebitReasonPayload,
            "debit_reason",
            lambda: memos.update_reason(p.organization_id, ReasonKind.DEBIT, input.to_command(), actor=p.actor),
            DebitReason.of,
        )

    @strawberry.mutation(
        description="Delete a debit reason no memo line names (archive one in use).",
        extensions=authorize("config:delete", DEBIT, input_item()),
    )
    async def delete_debit_reason(self, info: Info, input: DeleteInput) -> DeletePayload:
        p = info.context.require_principal()
        return await respond_deleted(
            lambda: memos.delete_reason(p.organization_id, ReasonKind.DEBIT, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Add a CREDIT_MEMO or DEBIT_MEMO line to a PENDING, unlocked bill (SEMANTICS §12.1).",
        extensions=authorize(APPROVE, "bill", input_item("bill_id")),
    )
    async def create_bill_line_item(self, info: Info, input: CreateBillLineItemInput) -> BillLineItemPayload:
        p = info.context.require_principal()
        return await respond(
            BillLineItemPayload,
            "line_item",
            lambda: memos.create_memo(p.organization_id, input.to_command(), actor=p.actor),
            LineItem.of,
        )

    @strawberry.mutation(
        description="Change a memo line of a PENDING, unlocked bill.", extensions=authorize(APPROVE, "bill")
    )
    async def update_bill_line_item(self, info: Info, input: UpdateBillLineItemInput) -> BillLineItemPayload:
        p = info.context.require_principal()
        return await respond(
            BillLineItemPayload,
            "line_item",
            lambda: memos.update_memo(p.organization_id, input.to_command(), actor=p.actor),
            LineItem.of,
        )

    @strawberry.mutation(
        description="Delete a memo line of a PENDING, unlocked bill.", extensions=authorize(APPROVE, "bill")
    )
    async def delete_bill_line_item(self, info: Info, input: DeleteInput) -> DeletePayload:
        p = info.context.require_principal()
        return await respond_deleted(
            lambda: memos.delete_memo(p.organization_id, parse_id(input.id), version=input.version, actor=p.actor),
            input.id,
        )

    @strawberry.mutation(
        description="Set an APPROVED, unlocked bill back to PENDING so it can be corrected; "
        "it is never auto-approved again.",
        extensions=authorize(APPROVE, "bill", input_item()),
    )
    async def set_bill_pending(self, info: Info, input: SetBillPendingInput) -> SetBillPendingPayload:
        p = info.context.require_principal()
        return await respond(
            SetBillPendingPayload,
            "bill",
            lambda: memos.set_bill_pending(p.organization_id, parse_id(input.id), version=input.version, actor=p.actor),
            Bill.of,
        )
