"""Line items written as text COPY (`line_copy.LineRows`) are stored exactly as the binary
COPY of `bill_rows.record` stores them: the same lines written both ways, every column
compared as PostgreSQL's own text of the stored value (so a numeric's scale, a timestamp's
instant and a JSON document count, not how they were sent)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from app.db import connection
from app.domain.bands import BandUsage
from app.domain.billing import BillLine, LineType
from app.services.billing.bill_rows import _BANDS, LINE_COLUMNS, _bands, line_id, line_id_text, record
from app.services.billing.line_copy import LineRows, copy_rows
from app.services.billing.persist import StoreOptions

D = Decimal
AGGREGATION, METER = uuid.uuid4(), uuid.uuid4()
BASE = BillLine(
    line_type=LineType.USAGE,
    description="Requests",
    account_plan_id=uuid.uuid4(),
    plan_id=uuid.uuid4(),
    product_id=uuid.uuid4(),
    pricing_id=uuid.uuid4(),
    aggregation_id=AGGREGATION,
    compound_aggregation_id=None,
    segment=None,
    quantity=D("123456.789"),
    units=D("123456.789"),
    unit="GB",
    average_unit_price=D("0.0015123456"),
    usage_per_pricing_band=(BandUsage(D("0"), D("0.002"), D("0"), D("100000"), D("100000"), D("200.00")),),
    service_period_start=datetime(2026, 1, 1, tzinfo=UTC),
    service_period_end=datetime(2026, 2, 1, tzinfo=UTC),
    currency="USD",
    exact_subtotal=D("235.6913"),
    subtotal=D("235.69"),
    conversion_rate=D("1"),
    converted_subtotal=D("235.69"),
)
LINES = [
    BASE,
    replace(BASE, quantity=None, units=None, average_unit_price=None, unit=None, usage_per_pricing_band=()),
    # scales and exponents: 1.50 keeps its scale, 1E+3 and 1.5E-7 are read as Decimal writes them
    replace(BASE, quantity=D("1.50"), units=D("1E+3"), average_unit_price=D("1.5E-7"), subtotal=D("-0.00")),
    replace(BASE, quantity=D("0E-10"), units=D("-12345678901234567890.123456789"), conversion_rate=D("1.2345")),
    # text that needs escaping, and text that is not ASCII
    replace(BASE, description="tab\there\nnew line\\back slash\rreturn", unit="µs ✓", currency="EUR"),
    replace(BASE, segment={"region": "eu\tw\\est", "tier": 'quote"d'}, description=None),
    replace(BASE, line_type=LineType.STANDING_CHARGE, aggregation_id=None, pricing_id=None, segment={}),
    # other offsets and a naive moment (taken in the process's timezone, as asyncpg does)
    replace(
        BASE,
        service_period_start=datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        service_period_end=datetime(2024, 3, 1, 12, 0, 0, 123456),
    ),
    replace(
        BASE,
        commitment_id=uuid.uuid4(),
        child_account_id=uuid.uuid4(),
        child_account_code="kid\t1",
        counter_id=uuid.uuid4(),
        balance_id=uuid.uuid4(),
        rollover_consumed=D("12.000"),
        charge_id=uuid.uuid4(),
        plan_group_id=uuid.uuid4(),
        compound_aggregation_id=uuid.uuid4(),
    ),
]


async def _stored(conn, organization_id: uuid.UUID, bill_id: uuid.UUID) -> list[tuple]:  # noqa: ANN001
    compared = [c for c in LINE_COLUMNS if c not in ("id", "bill_id", "dt_created", "dt_last_modified")]
    rows = await conn.fetch(
        f"SELECT {', '.join(f'{c}::text' for c in compared)} FROM bill_line_items"
        " WHERE organization_id = $1 AND bill_id = $2 ORDER BY position",
        organization_id,
        bill_id,
    )
    return [tuple(row) for row in rows]


async def test_text_rows_store_what_the_binary_records_store(app):
    organization_id, binary_bill, text_bill = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    options = StoreOptions(
        job_id=None, actor="user:a\tb", suppress_empty=False, purchase_order_number=None, meter_of={AGGREGATION: METER}
    )
    now = datetime.now(UTC)
    records = [record(organization_id, binary_bill, i, line, options) for i, line in enumerate(LINES)]
    text = LineRows(organization_id, now)
    rows = [
        text.row(str(uuid.uuid4()), str(text_bill), i, line, options, _BANDS.encode(_bands(line)).decode())
        for i, line in enumerate(LINES)
    ]
    async with connection() as conn, conn.transaction():
        await conn.copy_records_to_table("bill_line_items", records=records, columns=LINE_COLUMNS)
        await copy_rows(conn, "bill_line_items", LINE_COLUMNS, rows)
        by_binary = await _stored(conn, organization_id, binary_bill)
        by_text = await _stored(conn, organization_id, text_bill)
        stamps = await conn.fetch(
            "SELECT DISTINCT dt_created, dt_last_modified FROM bill_line_items"
            " WHERE organization_id = $1 AND bill_id = $2",
            organization_id,
            text_bill,
        )
        await conn.execute("DELETE FROM bill_line_items WHERE organization_id = $1", organization_id)
    assert len(by_text) == len(LINES)
    assert by_text == by_binary
    assert [tuple(s) for s in stamps] == [(now, now)]
    # spot checks that the comparison itself sees values
    assert by_text[2][LINE_COLUMNS.index("quantity") - 4] == "1.50"
    assert by_text[4][LINE_COLUMNS.index("description") - 4] == "tab\there\nnew line\\back slash\rreturn"


def test_line_ids_as_text_are_the_uuid5_of_the_bill_and_key():
    for _ in range(200):
        bill_id, key = uuid.uuid4(), f"key-{uuid.uuid4()}-µ"
        for occurrence in (0, 1, 17):
            assert line_id_text(bill_id, key, occurrence) == str(line_id(bill_id, key, occurrence))
