"""The statements both ways of storing bills share (`persist`, one bill; `persist_many`, a
chunk): sequential invoice numbers and the replacement of a bill's line items.

- Sequential invoice numbers: prefix + next number, given in the order the bills are
  listed, from ONE update of the organization config row, whose row lock serializes
  concurrent writers (start 100 → INVOICE-101, INVOICE-102). Only for an organization
  with a bill prefix; the caller numbers a bill once (recalculation keeps the number).
- Line items are replaced whole: the stored ones deleted, the new ones COPYed, in the
  caller's transaction, so two writers of one bill never interleave their lines.
- Memo lines (CREDIT_MEMO, DEBIT_MEMO, SEMANTICS §12.1 rule 2) are a person's, not the
  calculation's: replacing a bill's lines keeps them as they are, moves them after the
  new lines and adds them to `bill_total`, in the statement that deletes the old lines.
- A bill's lines hold the account plans they were composed from (`plan_holds`).
- Stable line ids (§12.1 rule 4, **our rule**): a line's id is derived from its bill and
  its key (`line_key`), with an occurrence index for lines of equal key, so a
  recalculated line keeps its id, and memos referencing it stay valid, while the COPY
  stays set-based.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import asyncpg
import msgspec

from app.domain.billing import BillLine, LineType
from app.services.billing.line_copy import LineRows, copy_rows
from app.services.billing.plan_holds import hold_account_plans

if TYPE_CHECKING:
    from app.services.billing.persist import StoreOptions

LINE_COLUMNS = (
    "id",
    "organization_id",
    "version",
    "dt_created",
    "dt_last_modified",
    "created_by",
    "last_modified_by",
    "bill_id",
    "position",
    "line_item_type",
    "description",
    "account_plan_id",
    "product_id",
    "plan_id",
    "pricing_id",
    "aggregation_id",
    "compound_aggregation_id",
    "meter_id",
    "commitment_id",
    "charge_id",
    "plan_group_id",
    "counter_id",
    "balance_id",
    "rollover_consumed",
    "segment",
    "child_account_id",
    "child_account_code",
    "quantity",
    "units",
    "unit",
    "subtotal",
    "currency",
    "conversion_rate",
    "converted_subtotal",
    "average_unit_price",
    "service_period_start",
    "service_period_end",
    "usage_per_pricing_band",
)


MEMO_TYPES = ("CREDIT_MEMO", "DEBIT_MEMO")
# Ids of lines a line's key is made of besides its type, segment, child account and service
# period start. Counter, balance, charge and plan group ids come with their issues: read with
# `getattr` so the key includes them once lines carry them.
_KEY_IDS = ("pricing_id", "counter_id", "commitment_id", "balance_id", "charge_id", "plan_group_id")


def line_key(line: BillLine) -> str:
    """What identifies a line of a bill across recalculations (SEMANTICS §12.1 rule 4)."""
    segment = None if line.segment is None else tuple(sorted(line.segment.items()))
    ids = tuple(getattr(line, name, None) for name in _KEY_IDS)
    start = line.service_period_start
    # The offset too: equal instants in two timezones are equal datetimes with other texts.
    offset = start.utcoffset() if start is not None else None
    return _key_text(LineType(line.line_type), ids, segment, line.child_account_id, start, offset)


# The lines of a run's bills share a few keys (the same pricing, period and segment on every
# account's bill): the text of each is made once.
@lru_cache(maxsize=4096)
def _key_text(
    line_type: LineType,
    ids: tuple[object, ...],
    segment: tuple[tuple[str, str], ...] | None,
    child_account_id: object,
    start: datetime | None,
    offset: timedelta | None,
) -> str:
    segment_text = None if segment is None else json.dumps(dict(segment), sort_keys=True)
    start_text = start.isoformat() if start is not None else None
    return json.dumps([line_type.value, *map(str, ids), segment_text, str(child_account_id), start_text])


def line_id(bill_id: uuid.UUID, key: str, occurrence: int) -> uuid.UUID:
    return uuid.uuid5(bill_id, f"{key}#{occurrence}")


def line_id_text(bill_id: uuid.UUID, key: str, occurrence: int) -> str:
    """`str(line_id(...))` without making a UUID object (whose checks cost more than the
    hash): RFC 4122 version 5, the SHA-1 of the namespace's bytes and the name."""
    digest = bytearray(hashlib.sha1(bill_id.bytes + f"{key}#{occurrence}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


async def number_bills(conn: asyncpg.Connection, organization_id: uuid.UUID, bill_ids: Sequence[uuid.UUID]) -> None:
    """Next invoice numbers for these bills, in this order, if the organization has a prefix."""
    if not bill_ids:
        return
    await conn.execute(
        """WITH counter AS (
               UPDATE organization_configs
               SET last_invoice_number = coalesce(last_invoice_number, sequence_start_number) + cardinality($2::uuid[])
               WHERE organization_id = $1 AND bill_prefix IS NOT NULL
               RETURNING bill_prefix, last_invoice_number - cardinality($2::uuid[]) AS before)
           UPDATE bills AS b SET sequential_invoice_number = counter.bill_prefix || (counter.before + t.n)
           FROM counter, unnest($2::uuid[]) WITH ORDINALITY AS t(id, n)
           WHERE b.organization_id = $1 AND b.id = t.id""",
        organization_id,
        list(bill_ids),
    )


async def replace_lines(
    conn: asyncpg.Connection,
    organization_id: uuid.UUID,
    bills: Sequence[tuple[uuid.UUID, Sequence[BillLine], StoreOptions]],
    *,
    replaced: Sequence[uuid.UUID],
) -> None:
    """Store each bill's lines (bill id, lines, options); `replaced` are the bills that
    had lines stored before (their old lines are deleted first, their memo lines kept)."""
    if replaced:
        counts = {bill_id: len(lines) for bill_id, lines, _ in bills}
        await conn.execute(
            _REPLACE,
            organization_id,
            list(replaced),
            [counts.get(bill_id, 0) for bill_id in replaced],
            list(MEMO_TYPES),
        )
    text = LineRows(organization_id, datetime.now(UTC))
    rows = []
    for bill_id, lines, options in bills:
        seen: Counter[str] = Counter()
        bill_text = str(bill_id)
        for position, line in enumerate(lines):
            key = line_key(line)
            id_ = line_id_text(bill_id, key, seen[key])
            rows.append(text.row(id_, bill_text, position, line, options, _BANDS.encode(_bands(line)).decode()))
            seen[key] += 1
    if rows:
        await hold_account_plans(conn, organization_id, [(bill_id, lines) for bill_id, lines, _ in bills])
        await copy_rows(conn, "bill_line_items", LINE_COLUMNS, rows)
        # Only the lines just written can carry a charge (memo lines never do).
        if any(line.charge_id is not None for _, lines, _ in bills for line in lines):
            await conn.execute(_FIX_CHARGES, organization_id, [bill_id for bill_id, _, _ in bills])


# SEMANTICS §9.2 rule 5: the first bill that carries a charge keeps it (a plan bill of the
# same date appearing later does not move it).
_FIX_CHARGES = """UPDATE charges AS c SET bill_id = l.bill_id FROM bill_line_items AS l
   WHERE l.organization_id = $1 AND l.bill_id = ANY($2::uuid[]) AND l.charge_id = c.id
     AND c.organization_id = $1 AND c.bill_id IS NULL"""


# One statement: the calculated lines deleted; the memo lines kept, placed after the `n`
# new lines in their order, and their sum added to the bill's total (the bill row was
# written with the calculated total earlier in the transaction). Every part reads the
# statement's snapshot, so the memo rows are those stored before it. Every scan of the
# lines names the bills (`bill_id = ANY`), which the (organization, bill) index serves
# (migration 0018); without statistics, on a table of a few thousand lines a planner may
# still read the organization's lines through the index's first column.
_REPLACE = """WITH gone AS (
           DELETE FROM bill_line_items
           WHERE organization_id = $1 AND bill_id = ANY($2::uuid[]) AND line_item_type <> ALL($4::varchar[])),
       memo AS (
           SELECT l.id, l.bill_id, l.converted_subtotal,
                  k.n + row_number() OVER (PARTITION BY l.bill_id ORDER BY l.position, l.id) - 1 AS new_position
           FROM bill_line_items AS l JOIN unnest($2::uuid[], $3::int[]) AS k(bill_id, n) ON l.bill_id = k.bill_id
           WHERE l.organization_id = $1 AND l.bill_id = ANY($2::uuid[]) AND l.line_item_type = ANY($4::varchar[])),
       moved AS (
           UPDATE bill_line_items AS l SET position = memo.new_position FROM memo
           WHERE l.organization_id = $1 AND l.bill_id = ANY($2::uuid[]) AND l.id = memo.id
             AND l.position <> memo.new_position)
   UPDATE bills AS b SET bill_total = b.bill_total + t.total
   FROM (SELECT bill_id, sum(converted_subtotal) AS total FROM memo GROUP BY bill_id) AS t
   WHERE b.organization_id = $1 AND b.id = t.bill_id"""


def record(
    organization_id: uuid.UUID,
    bill_id: uuid.UUID,
    position: int,
    line: BillLine,
    options: StoreOptions,
    id: uuid.UUID | None = None,
) -> tuple:
    """A line item row in `LINE_COLUMNS` order (`id` defaults to a new random one)."""
    now = datetime.now(UTC)
    meter_id = options.meter_of.get(line.aggregation_id) if line.aggregation_id is not None else None
    return (
        id or uuid.uuid4(),
        organization_id,
        1,
        now,
        now,
        options.actor,
        options.actor,
        bill_id,
        position,
        line.line_type.value,
        line.description,
        line.account_plan_id,
        line.product_id,
        line.plan_id,
        line.pricing_id,
        line.aggregation_id,
        line.compound_aggregation_id,
        meter_id,
        line.commitment_id,
        line.charge_id,
        line.plan_group_id,
        line.counter_id,
        line.balance_id,
        line.rollover_consumed,
        None if line.segment is None else json.dumps(dict(line.segment), sort_keys=True),
        line.child_account_id,
        line.child_account_code,
        line.quantity,
        line.units,
        line.unit,
        line.subtotal,
        line.currency,
        line.conversion_rate,
        line.converted_subtotal,
        line.average_unit_price,
        line.service_period_start,
        line.service_period_end,
        _BANDS.encode(_bands(line)).decode(),
    )


# The band breakdown is stored as jsonb (parsed again, so spacing does not matter): msgspec
# writes it several times faster than `json.dumps`, once per line of every bill of a run.
_BANDS = msgspec.json.Encoder()


def _bands(line: BillLine) -> list[dict[str, str]]:
    return [
        {
            "lowerLimit": str(b.lower_limit),
            "unitPrice": str(b.unit_price),
            "fixedPrice": str(b.fixed_price),
            "bandUnits": str(b.band_units),
            "bandQuantity": str(b.band_quantity),
            "bandSubtotal": str(b.band_subtotal),
        }
        for b in line.usage_per_pricing_band
    ]
