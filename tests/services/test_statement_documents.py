"""The statement documents (SEMANTICS §12.2 rule 1, §15.1): column order, one CSV row per
(line, band), empty band columns for a line without bands, one row for a bill without
lines, exact decimals, the formula guard, CRLF."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from app.services.statements.document import (
    BAND_COLUMNS,
    CSV_HEADER,
    HEADER_COLUMNS,
    LINE_COLUMNS,
    Measured,
    csv_document,
    header,
    json_document,
    line_fields,
)

BILL = {
    "id": uuid.UUID(int=1),
    "account_id": uuid.UUID(int=2),
    "account_code": "=acme",
    "bill_date": date(2026, 2, 1),
    "due_date": date(2026, 3, 3),
    "start_date": date(2026, 1, 1),
    "end_date": date(2026, 2, 1),
    "billing_frequency": "MONTHLY",
    "currency": "USD",
    "status": "APPROVED",
    "locked": False,
    "sequential_invoice_number": None,
    "bill_total": Decimal("-5.00"),
    "version": 4,
}
AGGREGATION = uuid.UUID(int=3)


def line(position: int, line_type: str, amount: str, bands: list[dict] | None = None) -> dict:
    none = dict.fromkeys(
        ("product_id", "plan_id", "pricing_id", "compound_aggregation_id", "commitment_id", "segment",
         "child_account_id", "child_account_code", "quantity", "units", "unit", "average_unit_price",
         "reason_id", "referenced_bill_id", "referenced_line_item_id", "meter_id")
    )  # fmt: skip
    return {
        **none,
        "id": uuid.UUID(int=10 + position),
        "position": position,
        "line_item_type": line_type,
        "description": "memo" if bands is None else "usage",
        "aggregation_id": AGGREGATION if bands else None,
        "subtotal": Decimal(amount),
        "currency": "USD",
        "conversion_rate": Decimal(1),
        "converted_subtotal": Decimal(amount),
        "service_period_start": datetime(2026, 1, 1, tzinfo=UTC),
        "service_period_end": datetime(2026, 2, 1, tzinfo=UTC),
        "usage_per_pricing_band": bands or [],
    }


def band(lower: str, price: str, units: str, subtotal: str) -> dict:
    return {
        "lowerLimit": lower,
        "unitPrice": price,
        "fixedPrice": "0",
        "bandUnits": units,
        "bandQuantity": units,
        "bandSubtotal": subtotal,
    }


BANDS = [band("0", "0.10", "10", "1.00"), band("10", "0.05", "40", "2.00")]
CALLS = {"code": "calls", "aggregation": "SUM", "quantity_per_unit": Decimal(1), "rounding": "UP"}
MEASURED = Measured(aggregations={AGGREGATION: CALLS})


def test_columns_follow_the_declared_order():
    assert list(header(BILL)) == list(HEADER_COLUMNS)
    assert list(line_fields(line(0, "USAGE", "3.00", BANDS), MEASURED)) == list(LINE_COLUMNS)
    line_columns = tuple("lineItemCurrency" if name == "currency" else name for name in LINE_COLUMNS)
    assert CSV_HEADER == HEADER_COLUMNS + line_columns + BAND_COLUMNS
    assert len(set(CSV_HEADER)) == len(CSV_HEADER)  # every column found by its name


def test_csv_has_one_row_per_band_and_one_per_line_without_bands():
    text = csv_document(BILL, [line(0, "USAGE", "3.00", BANDS), line(1, "CREDIT_MEMO", "-8.00")], MEASURED)
    assert text.count("\r\n") == 4 and text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["lineItemType"], r["bandIndex"], r["bandSubtotal"], r["convertedSubtotal"]) for r in rows] == [
        ("USAGE", "0", "1.00", "3.00"),
        ("USAGE", "1", "2.00", "3.00"),
        ("CREDIT_MEMO", "", "", "-8.00"),  # a number is never guarded
    ]
    assert rows[0]["accountCode"] == "'=acme"  # text is
    assert (rows[0]["aggregationCode"], rows[0]["aggregationFunction"], rows[0]["rounding"]) == ("calls", "SUM", "UP")
    assert (rows[0]["billTotal"], rows[0]["billVersion"], rows[0]["locked"]) == ("-5.00", "4", "false")


def test_a_bill_without_lines_is_one_row():
    rows = list(csv.DictReader(io.StringIO(csv_document(BILL, [], MEASURED))))
    assert len(rows) == 1 and rows[0]["billId"] == str(BILL["id"]) and rows[0]["lineItemId"] == ""


def test_json_keeps_decimals_exact_and_bands_per_line():
    document = json.loads(json_document(BILL, [line(0, "USAGE", "3.00", BANDS)], MEASURED))
    assert document["bill"]["billTotal"] == "-5.00" and document["bill"]["lastDateInBillingPeriod"] == "2026-01-31"
    [usage] = document["lineItems"]
    assert [b["bandSubtotal"] for b in usage["usagePerPricingBand"]] == ["1.00", "2.00"]
    assert usage["servicePeriodStartDate"] == "2026-01-01T00:00:00Z"
