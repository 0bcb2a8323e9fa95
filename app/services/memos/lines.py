"""Memo lines of a bill (SEMANTICS §12.1): CREDIT_MEMO and DEBIT_MEMO line items that a
person adds, changes and deletes; calculation never touches them (`bill_rows`).

Rules
- Only on a PENDING, unlocked bill outside the lock date's range (§12.1 rule 1, §13.2
  rule 5). A locked bill is corrected by a memo on a later open bill of the account that
  references the locked bill's line.
- `amount` > 0 in the bill currency (at most its decimal places), stored signed
  (credit −, debit +), `conversionRate` 1; `reasonId` a non-archived reason of the
  memo's kind; the optional reference is a line of this or an earlier bill of the same
  account (not another memo).
- Credit cap (§12.1 rule 3, **our rule**): a CREDIT_MEMO referencing a line is at most
  that line's `convertedSubtotal` less the other credit memos referencing it.
- Each change updates the bill in the same transaction: `bill_total` by the difference,
  a new `version`, and `statement_stale` when a statement exists (§12.2 rule 3).

Concurrency: the lock date is read shared first, then the bill row is locked `FOR UPDATE`
(the order bill writers use), then the referenced line `FOR UPDATE`, so two credits
against one line take turns and the cap holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from app.db import connection
from app.domain.given import given
from app.models.billing import BillLineItem
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.memos import references
from app.services.memos.bills import bill_changed, open_bill
from app.services.memos.checks import checked, places_problem
from app.services.memos.commands import CreateMemo, MemoType, UpdateMemo

MEMO_TYPES = [t.value for t in MemoType]


@dataclass(frozen=True)
class _Memo:
    """A memo's values as stored."""

    amount: Decimal  # signed
    reason_id: uuid.UUID
    description: str
    product_id: uuid.UUID | None
    referenced_bill_id: uuid.UUID | None
    referenced_line_item_id: uuid.UUID | None
    start: Any
    end: Any


async def create_memo(organization_id: uuid.UUID, command: CreateMemo, *, actor: str) -> BillLineItem:
    problems = ProblemCollector()
    try:
        bill_id = uuid.UUID(str(command.bill_id))
    except ValueError:
        raise fail(("input", "billId"), ErrorCode.NOT_FOUND, f"{command.bill_id!r} is not a valid id") from None
    values = given(command.fields)
    ids = checked(values, problems)
    problems.raise_if_any()
    line_id = uuid.uuid4()
    async with connection() as conn, conn.transaction():
        bill = await open_bill(conn, organization_id, bill_id, ("input", "billId"))
        memo = await _resolved(conn, organization_id, bill, command.line_item_type, values, ids, None)
        await conn.execute(
            """INSERT INTO bill_line_items (id, organization_id, version, dt_created, dt_last_modified, created_by,
                   last_modified_by, bill_id, position, line_item_type, description, product_id, subtotal, currency,
                   conversion_rate, converted_subtotal, service_period_start, service_period_end,
                   usage_per_pricing_band, reason_id, referenced_bill_id, referenced_line_item_id)
               SELECT $2, $1, 1, now(), now(), $3, $3, $4,
                      coalesce((SELECT max(position) + 1 FROM bill_line_items WHERE organization_id = $1
                                AND bill_id = $4), 0),
                      $5, $6, $7, $8, $9, 1, $8, $10, $11, '[]', $12, $13, $14""",
            organization_id,
            line_id,
            actor,
            bill_id,
            command.line_item_type.value,
            *_columns(memo, bill["currency"]),
        )
        await bill_changed(conn, organization_id, bill_id, memo.amount, actor)
    return await BillLineItem.get(organization_id=organization_id, id=line_id)


async def update_memo(organization_id: uuid.UUID, command: UpdateMemo, *, actor: str) -> BillLineItem:
    changes = given(command.changes)
    async with connection() as conn, conn.transaction():
        line = await _locked_memo(conn, organization_id, command.line_item_id, command.version)
        memo_type = MemoType(line["line_item_type"])
        values = {**_stored(line), **changes}
        problems = ProblemCollector()
        ids = checked(values, problems)
        problems.raise_if_any()
        bill = line["bill"]
        memo = await _resolved(conn, organization_id, bill, memo_type, values, ids, line["id"])
        await conn.execute(
            """UPDATE bill_line_items SET description = $3, product_id = $4, subtotal = $5, currency = $6,
                   converted_subtotal = $5, service_period_start = $7, service_period_end = $8, reason_id = $9,
                   referenced_bill_id = $10, referenced_line_item_id = $11, version = version + 1,
                   dt_last_modified = now(), last_modified_by = $12
               WHERE organization_id = $1 AND id = $2""",
            organization_id,
            line["id"],
            *_columns(memo, bill["currency"]),
            actor,
        )
        await bill_changed(conn, organization_id, bill["id"], memo.amount - line["converted_subtotal"], actor)
    return await BillLineItem.get(organization_id=organization_id, id=command.line_item_id)


async def delete_memo(organization_id: uuid.UUID, line_item_id: uuid.UUID, *, version: int, actor: str) -> None:
    async with connection() as conn, conn.transaction():
        line = await _locked_memo(conn, organization_id, line_item_id, version)
        await conn.execute(
            "DELETE FROM bill_line_items WHERE organization_id = $1 AND id = $2", organization_id, line_item_id
        )
        # The memo lines after it move up: positions stay 0-based and gapless.
        await conn.execute(
            "UPDATE bill_line_items SET position = position - 1"
            " WHERE organization_id = $1 AND bill_id = $2 AND position > $3",
            organization_id,
            line["bill"]["id"],
            line["position"],
        )
        await bill_changed(conn, organization_id, line["bill"]["id"], -line["converted_subtotal"], actor)


async def _locked_memo(conn: asyncpg.Connection, organization_id: uuid.UUID, line_id: uuid.UUID, version: int) -> dict:
    """The memo line with its bill, both locked; NOT_FOUND, CONFLICT or INVALID_STATE refused."""
    bill_id = await conn.fetchval(
        "SELECT bill_id FROM bill_line_items WHERE organization_id = $1 AND id = $2", organization_id, line_id
    )
    if bill_id is None:
        raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no line item with id {line_id}")
    bill = await open_bill(conn, organization_id, bill_id, ("input", "id"))
    line = await conn.fetchrow(
        "SELECT * FROM bill_line_items WHERE organization_id = $1 AND id = $2 AND bill_id = $3 FOR UPDATE",
        organization_id,
        line_id,
        bill_id,
    )
    if line is None:
        raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no line item with id {line_id}")
    if line["line_item_type"] not in MEMO_TYPES:
        raise fail(
            ("input", "id"), ErrorCode.INVALID_STATE, "only memo lines can be changed; calculation owns the others"
        )
    if line["version"] != version:
        raise fail(
            ("input", "version"),
            ErrorCode.CONFLICT,
            f"version {version} is stale; the current version is {line['version']}",
        )
    return {**dict(line), "bill": bill}


def _stored(line: Any) -> dict[str, Any]:
    return {
        "amount": abs(line["converted_subtotal"]),
        "reason_id": line["reason_id"],
        "description": line["description"],
        "product_id": line["product_id"],
        "referenced_bill_id": line["referenced_bill_id"],
        "referenced_line_item_id": line["referenced_line_item_id"],
        "service_period_start_date": line["service_period_start"],
        "service_period_end_date": line["service_period_end"],
    }


async def _resolved(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    bill: Any,
    memo_type: MemoType,
    values: dict[str, Any],
    ids: dict[str, uuid.UUID | None],
    this_line: uuid.UUID | None,
) -> _Memo:
    """The memo's stored values, once the rules needing the database hold (all problems at once)."""
    problems = ProblemCollector()
    places = await references.currency_places(conn, organization_id, bill["currency"])
    amount = values["amount"]
    if problem := places_problem(amount, places):
        problems.add("amount", ErrorCode.INVALID, problem)
    await references.check_reason(conn, organization_id, memo_type.reason_kind, ids["reason_id"], problems)
    await references.check_product(conn, organization_id, ids["product_id"], problems)
    if ids["referenced_line_item_id"] is not None and ids["referenced_bill_id"] is not None:
        cap = await references.check_reference(
            conn, organization_id, bill, ids["referenced_bill_id"], ids["referenced_line_item_id"], this_line, problems
        )
        if cap is not None and memo_type is MemoType.CREDIT_MEMO and amount > cap:
            problems.add("amount", ErrorCode.INVALID, f"a credit on the referenced line is capped at {cap}")
    problems.raise_if_any()
    return _Memo(
        amount=memo_type.sign * amount.quantize(Decimal(1).scaleb(-places)),
        reason_id=ids["reason_id"],  # type: ignore[arg-type]  # required: checked
        description=values["description"],
        product_id=ids["product_id"],
        referenced_bill_id=ids["referenced_bill_id"],
        referenced_line_item_id=ids["referenced_line_item_id"],
        start=values["service_period_start_date"],
        end=values["service_period_end_date"],
    )


def _columns(memo: _Memo, currency: str) -> tuple:
    """description, product, subtotal (= converted), currency, service period, reason, reference."""
    return (
        memo.description,
        memo.product_id,
        memo.amount,
        currency,
        memo.start,
        memo.end,
        memo.reason_id,
        memo.referenced_bill_id,
        memo.referenced_line_item_id,
    )
