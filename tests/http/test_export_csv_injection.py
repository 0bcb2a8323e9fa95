"""What a spreadsheet makes of an exported CSV (SEMANTICS §15.1 rule 1).

Customer-controlled text (a measurement's `who` field, a line description, a purchase
order number) is written so that Excel and Google Sheets never evaluate it: a cell that
starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed (OWASP "CSV
Injection") gets a leading `'`. A number never does: a credit of -12.50 stays a number.
Everything else is RFC 4180, read back exactly by a strict parser: quotes doubled, commas,
quotes, CR and LF inside quoted cells, CRLF between records, UTF-8 without a BOM.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.domain.exports.cells import csv_cell
from app.domain.exports.formats import ExportKind
from app.models.accounts import Account
from app.models.billing import Bill, BillLineItem
from tests.graphql.test_usage import ingested
from tests.http.test_exports import get
from tests.workers import ingest_queue, make_meter  # noqa: F401 - fixture

# Each payload, and the text a spreadsheet must show for it (never a formula).
PAYLOADS = {
    "tab": ('\t=HYPERLINK("http://evil","x")', '\'\t=HYPERLINK("http://evil","x")'),
    "cr": ("\r=1+1", "'\r=1+1"),
    "lf": ("\n@SUM(1)", "'\n@SUM(1)"),
    "equals": ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    "plus": ("+1+1", "'+1+1"),
    "minus": ("-12.50", "'-12.50"),  # text that looks like a number is still customer text
    "at": ("@SUM(A1)", "'@SUM(A1)"),
    "quotes": ('say "hi", then\r\nleave', 'say "hi", then\r\nleave'),
    "plain": ("eu-west", "eu-west"),
    "unicode": ("Zürich — 東京", "Zürich — 東京"),
}


def _strict_rows(body: bytes) -> list[list[str]]:
    assert not body.startswith(b"\xef\xbb\xbf")  # SEMANTICS §15.1: UTF-8 without BOM
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert text.endswith("\r\n")
    assert len({len(row) for row in rows}) == 1  # every row as wide as the header
    return rows


@pytest.mark.parametrize(("value", "shown"), PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_text_cell_never_starts_a_formula(value, shown):
    [[parsed]] = list(csv.reader(io.StringIO(csv_cell(value) + "\r\n", newline=""), strict=True))
    assert parsed == shown


@pytest.mark.parametrize("number", [Decimal("-12.50"), Decimal("+3"), -5, Decimal("-0E-7")])
def test_a_number_is_never_guarded(number):
    assert not csv_cell(number).startswith("'")


def test_an_enum_value_is_its_text():
    # A (str, Enum) member's str() is "ExportKind.BILLS" since Python 3.11.
    assert csv_cell(ExportKind.BILLS) == "BILLS"


async def test_measurement_text_fields_are_guarded_and_round_trip(tenant, ingest_queue):
    fields = [
        {"category": "WHO", "code": "region", "name": "Region"},
        {"category": "MEASURE", "code": "amount", "name": "Amount"},
    ]
    await make_meter(tenant.organization_id, "calls", fields, [])
    items = [
        {
            "meter": "calls",
            "account": "acme",
            "ts": "2024-10-03T10:00:00Z",
            "uid": f"u-{name}",
            "who": {"region": value},
            "measure": {"amount": -12.5},
        }
        for name, (value, _) in PAYLOADS.items()
    ]
    await ingested(tenant, items)
    response = await get(tenant, "/exports/measurements.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = _strict_rows(response.content)
    assert rows[0] == ["uid", "meter", "account", "ts", "ets", "who.region", "measure.amount"]
    shown = {row[0]: (row[5], row[6]) for row in rows[1:]}
    for name, (_, expected) in PAYLOADS.items():
        assert shown[f"u-{name}"] == (expected, "-12.5"), name  # the measure stays a number


async def test_bill_text_is_guarded_and_a_credit_stays_a_number(tenant):
    org = tenant.organization_id
    account = await Account.create(organization_id=org, code="+acme", name="=evil")
    bill = await Bill.create(
        organization_id=org,
        account_id=account.id,
        account_code="+acme",
        bill_date=date(2024, 11, 1),
        due_date=date(2024, 12, 1),
        start_date=date(2024, 10, 1),
        end_date=date(2024, 11, 1),
        billing_frequency="MONTHLY",
        currency="USD",
        purchase_order_number="\t=1+1",
        bill_total=Decimal("-12.50"),
    )
    await BillLineItem.create(
        organization_id=org,
        bill_id=bill.id,
        position=0,
        line_item_type="CREDIT_MEMO",
        description='\r=HYPERLINK("http://evil")',
        subtotal=Decimal("-12.50"),
        currency="USD",
        converted_subtotal=Decimal("-12.50"),
        service_period_start=datetime(2024, 10, 1, tzinfo=UTC),
    )
    response = await get(tenant, "/exports/bills.csv")
    assert response.status_code == 200, response.text
    header, row = _strict_rows(response.content)
    cell = dict(zip(header, row, strict=True))
    assert cell["accountCode"] == "'+acme"
    assert cell["purchaseOrderNumber"] == "'\t=1+1"
    assert cell["lineItem.description"] == '\'\r=HYPERLINK("http://evil")'
    assert (cell["billTotal"], cell["lineItem.subtotal"]) == ("-12.50", "-12.50")
    assert (cell["dueDate"], cell["locked"]) == ("2024-12-01", "false")
    # JSON Lines carries the text as it is (no guard: no spreadsheet reads it) and exact decimals.
    jsonl = await get(tenant, "/exports/bills.jsonl")
    assert '"purchaseOrderNumber":"\\t=1+1"' in jsonl.text and '"billTotal":"-12.50"' in jsonl.text
