"""An export reads one snapshot (SEMANTICS §15.2 rule 1): a bill recalculated while the
export runs shows fully or not at all; and a failure after the first piece is raised to
the writer, never a quietly short file."""

from __future__ import annotations

import uuid
from decimal import Decimal

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app.domain.exports.filters import ExportFilters
from app.domain.exports.formats import ExportFormat, ExportKind
from app.models.billing import Bill, BillLineItem
from app.services.exports import ExportRequest, open_export
from tests.http.test_exports import make_bill


async def _read(opened) -> bytes:
    return b"".join([piece async for piece in opened.pieces()])


async def _recalculate(bill: Bill) -> None:
    """What a recalculation does to a stored bill: new lines and total, in one transaction."""
    async with in_transaction() as conn:
        await BillLineItem.filter(organization_id=bill.organization_id, bill_id=bill.id).using_db(conn).delete()
        for position in range(3):
            await BillLineItem.create(
                organization_id=bill.organization_id,
                bill_id=bill.id,
                position=position,
                line_item_type="STANDING_CHARGE",
                description=f"new {position}",
                subtotal=Decimal(1),
                currency="USD",
                converted_subtotal=Decimal(1),
                using_db=conn,
            )
        await Bill.filter(organization_id=bill.organization_id, id=bill.id).using_db(conn).update(bill_total=Decimal(3))


def _request(tenant, fmt: ExportFormat = ExportFormat.JSONL) -> ExportRequest:
    return ExportRequest(uuid.UUID(tenant.organization_id), ExportKind.BILLS, fmt, ExportFilters())


async def test_a_recalculation_during_an_export_shows_fully_or_not_at_all(tenant):
    bill = await make_bill(tenant, "acme", 2)
    opened = await open_export(_request(tenant))
    await _recalculate(bill)  # commits while the export is open, before it read a row
    before = (await _read(opened)).decode()
    after = (await _read(await open_export(_request(tenant)))).decode()
    assert before.count('"lineItemType"') == 2 and '"billTotal":"25.00"' in before and "new 0" not in before
    assert after.count('"lineItemType"') == 3 and '"billTotal":"3"' in after and "Seat fee" not in after


async def test_a_failure_after_the_first_piece_is_raised_not_a_short_file(tenant, settings):
    for index in range(400):  # enough rows for more than one piece of 64 KiB
        await make_bill(tenant, f"acct-{index:03d}", 1)
    opened = await open_export(_request(tenant, ExportFormat.CSV))
    pieces = opened.pieces()
    first = await anext(pieces)
    assert first.startswith(b"id,accountId,")
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", opened._source.conn.get_server_pid())
    finally:
        await admin.close()
    # Which error depends on where the driver was when its connection went; any will do,
    # as long as the pieces do not simply end.
    lost = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, ConnectionError)
    with pytest.raises(lost):
        async for _ in pieces:
            pass
