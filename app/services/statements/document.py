"""The usage statement of a bill as documents (SEMANTICS §12.2 rule 1), JSON and CSV.

A statement is made of the bill header (id, account code, dates, currency, `billTotal`
and the bill `version` it shows) and, per line item in bill order, the §7.5 line fields,
the memo fields, and how the line was measured: the aggregation or compound aggregation
code and function (or the counter code), the meter code, `quantityPerUnit`, rounding and
the per-band usage.

Formats follow the exports (§15.1, `app.domain.exports`): decimals as exact plain strings,
instants ISO-8601 UTC with `Z`, dates `YYYY-MM-DD`. CSV is RFC 4180 with CRLF and the
formula guard, one row per (line, band) with the bill columns repeated; a line without
bands has one row whose band columns are empty (a bill without lines: one row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from app.domain.exports.cells import json_text
from app.domain.exports.formats import csv_row

HEADER_COLUMNS = (
    "billId",
    "accountId",
    "accountCode",
    "billDate",
    "dueDate",
    "startDate",
    "endDate",
    "lastDateInBillingPeriod",
    "billingFrequency",
    "currency",
    "status",
    "locked",
    "sequentialInvoiceNumber",
    "billTotal",
    "billVersion",
)
LINE_COLUMNS = (
    "lineItemId",
    "position",
    "lineItemType",
    "description",
    "productId",
    "planId",
    "pricingId",
    "aggregationId",
    "compoundAggregationId",
    "meterId",
    "commitmentId",
    "counterId",
    "chargeId",
    "balanceId",
    "planGroupId",
    "segment",
    "childAccountId",
    "childAccountCode",
    "quantity",
    "units",
    "unit",
    "subtotal",
    "currency",
    "conversionRate",
    "convertedSubtotal",
    "averageUnitPrice",
    "servicePeriodStartDate",
    "servicePeriodEndDate",
    "aggregationCode",
    "compoundAggregationCode",
    "aggregationFunction",
    "counterCode",
    "meterCode",
    "quantityPerUnit",
    "rounding",
    "reasonId",
    "referencedBillId",
    "referencedLineItemId",
)
BAND_COLUMNS = ("bandIndex", "lowerLimit", "unitPrice", "fixedPrice", "bandUnits", "bandQuantity", "bandSubtotal")
# A CSV row holds the bill's columns and the line's side by side: both have a `currency`
# (a line may be in another currency than its bill), so the line's is named apart, or
# readers keying by header (csv.DictReader, pandas) would keep one or rename it.
CSV_HEADER = (
    HEADER_COLUMNS + tuple("lineItemCurrency" if name == "currency" else name for name in LINE_COLUMNS) + BAND_COLUMNS
)


@dataclass(frozen=True)
class Measured:
    """How the lines were measured: catalog rows by id (code, function, quantityPerUnit, rounding)."""

    aggregations: Mapping[Any, Mapping[str, Any]] = field(default_factory=dict)
    compounds: Mapping[Any, Mapping[str, Any]] = field(default_factory=dict)
    meters: Mapping[Any, str] = field(default_factory=dict)
    counters: Mapping[Any, str] = field(default_factory=dict)


def header(bill: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "billId": bill["id"],
        "accountId": bill["account_id"],
        "accountCode": bill["account_code"],
        "billDate": bill["bill_date"],
        "dueDate": bill["due_date"],
        "startDate": bill["start_date"],
        "endDate": bill["end_date"],
        "lastDateInBillingPeriod": bill["bill_date"] - timedelta(days=1),
        "billingFrequency": bill["billing_frequency"],
        "currency": bill["currency"],
        "status": bill["status"],
        "locked": bill["locked"],
        "sequentialInvoiceNumber": bill["sequential_invoice_number"],
        "billTotal": bill["bill_total"],
        "billVersion": bill["version"],
    }


def line_fields(line: Mapping[str, Any], measured: Measured) -> dict[str, Any]:
    aggregation = measured.aggregations.get(line["aggregation_id"]) or {}
    compound = measured.compounds.get(line["compound_aggregation_id"]) or {}
    source = aggregation or compound
    counter_id = line.get("counter_id")
    return {
        "lineItemId": line["id"],
        "position": line["position"],
        "lineItemType": line["line_item_type"],
        "description": line["description"],
        "productId": line["product_id"],
        "planId": line["plan_id"],
        "pricingId": line["pricing_id"],
        "aggregationId": line["aggregation_id"],
        "compoundAggregationId": line["compound_aggregation_id"],
        "meterId": line["meter_id"],
        "commitmentId": line["commitment_id"],
        "counterId": counter_id,
        # Lines of charges, balances and plan groups carry these once those issues add them.
        "chargeId": line.get("charge_id"),
        "balanceId": line.get("balance_id"),
        "planGroupId": line.get("plan_group_id"),
        "segment": line["segment"],
        "childAccountId": line["child_account_id"],
        "childAccountCode": line["child_account_code"],
        "quantity": line["quantity"],
        "units": line["units"],
        "unit": line["unit"],
        "subtotal": line["subtotal"],
        "currency": line["currency"],
        "conversionRate": line["conversion_rate"],
        "convertedSubtotal": line["converted_subtotal"],
        "averageUnitPrice": line["average_unit_price"],
        "servicePeriodStartDate": line["service_period_start"],
        "servicePeriodEndDate": line["service_period_end"],
        "aggregationCode": aggregation.get("code"),
        "compoundAggregationCode": compound.get("code"),
        "aggregationFunction": aggregation.get("aggregation") or compound.get("calculation"),
        "counterCode": measured.counters.get(counter_id) if counter_id is not None else None,
        "meterCode": measured.meters.get(line["meter_id"]),
        "quantityPerUnit": source.get("quantity_per_unit"),
        "rounding": source.get("rounding"),
        "reasonId": line["reason_id"],
        "referencedBillId": line["referenced_bill_id"],
        "referencedLineItemId": line["referenced_line_item_id"],
    }


def bands(line: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The per-band usage with its numbers as Decimals (stored as exact strings)."""
    return [
        {name: None if band.get(name) is None else Decimal(str(band[name])) for name in BAND_COLUMNS[1:]}
        for band in line["usage_per_pricing_band"] or []
    ]


def json_document(bill: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], measured: Measured) -> str:
    items = [{**line_fields(line, measured), "usagePerPricingBand": bands(line)} for line in lines]
    return json_text({"bill": header(bill), "lineItems": items})


def csv_document(bill: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], measured: Measured) -> str:
    head = list(header(bill).values())
    rows = [csv_row(CSV_HEADER)]
    if not lines:
        rows.append(csv_row(head + [None] * (len(LINE_COLUMNS) + len(BAND_COLUMNS))))
    for line in lines:
        fields = head + list(line_fields(line, measured).values())
        line_bands = bands(line)
        if not line_bands:
            rows.append(csv_row(fields + [None] * len(BAND_COLUMNS)))
        for index, band in enumerate(line_bands):
            rows.append(csv_row(fields + [index, *band.values()]))
    return b"".join(rows).decode("utf-8")
