"""The statements both ways of storing bills share (`persist`, one bill; `persist_many`, a
chunk): sequential invoice numbers and the replacement of a bill's line items.

- Sequential invoice numbers: prefix + next number, given in the order the bills are
  listed, from ONE update of the organization config row, whose row lock serializes
  concurrent writers (start 100 → INVOICE-101, INVOICE-102). Only for an organization
  with a bill prefix; the caller numbers a bill once (recalculation keeps the number).
- Line items are replaced whole: the stored ones deleted, the new ones COPYed, in the
  caller's transaction, so two writers of one bill never interleave their lines.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import asyncpg

from app.domain.billing import BillLine

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
    had lines stored before (their old lines are deleted first)."""
    if replaced:
        await conn.execute(
            "DELETE FROM bill_line_items WHERE organization_id = $1 AND bill_id = ANY($2::uuid[])",
            organization_id,
            list(replaced),
        )
    records = [
        record(organization_id, bill_id, position, line, options)
        for bill_id, lines, options in bills
        for position, line in enumerate(lines)
    ]
    if records:
        await conn.copy_records_to_table("bill_line_items", records=records, columns=LINE_COLUMNS)
        await conn.execute(_FIX_CHARGES, organization_id, [bill_id for bill_id, _, _ in bills])


# SEMANTICS §9.2 rule 5: the first bill that carries a charge keeps it (a plan bill of the
# same date appearing later does not move it).
_FIX_CHARGES = """UPDATE charges AS c SET bill_id = l.bill_id FROM bill_line_items AS l
   WHERE l.organization_id = $1 AND l.bill_id = ANY($2::uuid[]) AND l.charge_id = c.id
     AND c.organization_id = $1 AND c.bill_id IS NULL"""


def record(
    organization_id: uuid.UUID, bill_id: uuid.UUID, position: int, line: BillLine, options: StoreOptions
) -> tuple:
    now = datetime.now(UTC)
    meter_id = options.meter_of.get(line.aggregation_id) if line.aggregation_id is not None else None
    return (
        uuid.uuid4(),
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
        json.dumps(_bands(line)),
    )


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
