"""Decimals in a BILLS export are exact plain strings, never with an exponent (SEMANTICS
§15.1 rule 1), the per-band usage of a line included: billing stores each band figure as
`str(Decimal)`, which writes small prices and zeros with many places as `5E-7`, `0E-7`."""

from __future__ import annotations

import csv
import io
import json
import uuid

from app.domain.exports.filters import ExportFilters
from app.domain.exports.formats import ExportFormat, ExportKind
from app.models.billing import BillLineItem
from app.services.exports import ExportRequest, open_export
from tests.http.test_exports import make_bill

BAND = {
    "lowerLimit": "1E+3",
    "unitPrice": "5E-7",
    "fixedPrice": "0",
    "bandUnits": "2000",
    "bandQuantity": "2000",
    "bandSubtotal": "0E-7",
}
PLAIN = {
    "lowerLimit": "1000",
    "unitPrice": "0.0000005",
    "fixedPrice": "0",
    "bandUnits": "2000",
    "bandQuantity": "2000",
    "bandSubtotal": "0.0000000",
}


async def _export(tenant, fmt: ExportFormat) -> str:
    request = ExportRequest(uuid.UUID(tenant.organization_id), ExportKind.BILLS, fmt, ExportFilters())
    opened = await open_export(request)
    return b"".join([piece async for piece in opened.pieces()]).decode()


async def test_band_figures_are_plain_decimals_in_json_lines_and_csv(tenant):
    bill = await make_bill(tenant, "acme", 1)
    await BillLineItem.filter(organization_id=bill.organization_id, bill_id=bill.id).update(
        usage_per_pricing_band=[BAND]
    )
    [line] = (await _export(tenant, ExportFormat.JSONL)).splitlines()
    assert json.loads(line)["lineItems"][0]["usagePerPricingBand"] == [PLAIN]
    header, row = csv.reader(io.StringIO(await _export(tenant, ExportFormat.CSV), newline=""))
    assert json.loads(row[header.index("lineItem.usagePerPricingBand")]) == [PLAIN]
