"""What a memo names, checked against the database: its reason, product, the line it
references (with the credit cap), and the decimal places of the bill currency. Each check
adds its problems at the field's input name."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import asyncpg

from app.services.errors import ErrorCode, ProblemCollector
from app.services.memos.commands import ReasonKind

TABLES = {ReasonKind.CREDIT: "credit_reasons", ReasonKind.DEBIT: "debit_reasons"}
MEMO_TYPES = ["CREDIT_MEMO", "DEBIT_MEMO"]
DEFAULT_PLACES = 2


async def currency_places(conn: asyncpg.Connection, organization_id: uuid.UUID, code: str) -> int:
    places = await conn.fetchval(
        "SELECT max_decimal_places FROM currencies WHERE organization_id = $1 AND code = $2", organization_id, code
    )
    return DEFAULT_PLACES if places is None else int(places)


async def check_reason(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    kind: ReasonKind,
    reason_id: uuid.UUID | None,
    problems: ProblemCollector,
) -> None:
    if reason_id is None:
        return
    archived = await conn.fetchval(
        f"SELECT archived FROM {TABLES[kind]} WHERE organization_id = $1 AND id = $2", organization_id, reason_id
    )
    label = "CreditReason" if kind is ReasonKind.CREDIT else "DebitReason"
    if archived is None:
        problems.add("reasonId", ErrorCode.NOT_FOUND, f"no {label} with id {reason_id}")
    elif archived:
        problems.add("reasonId", ErrorCode.INVALID, f"the {label} is archived")


async def check_product(
    conn: asyncpg.Connection, organization_id: uuid.UUID, product_id: uuid.UUID | None, problems: ProblemCollector
) -> None:
    if product_id is None:
        return
    if not await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM products WHERE organization_id = $1 AND id = $2)", organization_id, product_id
    ):
        problems.add("productId", ErrorCode.NOT_FOUND, f"no product with id {product_id}")


async def check_reference(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    bill: Any,
    referenced_bill_id: uuid.UUID,
    line_id: uuid.UUID,
    this_line: uuid.UUID | None,
    problems: ProblemCollector,
) -> Decimal | None:
    """The credit cap of the referenced line (its convertedSubtotal less the other credit
    memos on it), or None when the reference is refused."""
    referenced = await conn.fetchrow(
        "SELECT account_id, bill_date FROM bills WHERE organization_id = $1 AND id = $2",
        organization_id,
        referenced_bill_id,
    )
    if referenced is None or referenced["account_id"] != bill["account_id"]:
        problems.add("referencedBillId", ErrorCode.NOT_FOUND, f"no bill {referenced_bill_id} of the same account")
        return None
    if referenced["bill_date"] > bill["bill_date"]:
        problems.add("referencedBillId", ErrorCode.INVALID, "must be this bill or an earlier bill of the account")
        return None
    # Locked: two credits against one line take turns, so the cap holds.
    line = await conn.fetchrow(
        "SELECT line_item_type, converted_subtotal FROM bill_line_items"
        " WHERE organization_id = $1 AND id = $2 AND bill_id = $3 FOR UPDATE",
        organization_id,
        line_id,
        referenced_bill_id,
    )
    if line is None:
        problems.add("referencedLineItemId", ErrorCode.NOT_FOUND, f"no line {line_id} on the referenced bill")
        return None
    if line["line_item_type"] in MEMO_TYPES:
        problems.add("referencedLineItemId", ErrorCode.INVALID, "a memo references a calculated line, not a memo")
        return None
    credited = await conn.fetchval(
        "SELECT coalesce(sum(converted_subtotal), 0) FROM bill_line_items WHERE organization_id = $1"
        " AND referenced_line_item_id = $2 AND line_item_type = 'CREDIT_MEMO' AND id IS DISTINCT FROM $3::uuid",
        organization_id,
        line_id,
        this_line,
    )
    return max(Decimal(0), line["converted_subtotal"] + credited)  # credits are stored negative
