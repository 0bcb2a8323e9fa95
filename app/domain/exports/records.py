"""The columns of each export kind and how one record becomes CSV rows (SEMANTICS §15.1).

Records are plain dicts keyed by the API's camelCase names, holding Python values
(Decimal, date, datetime, UUID, str, bool, None). JSON Lines writes them as they are; CSV
writes one row per record, except a bill, which is one row per line item with the bill's
columns repeated (a bill without lines is one row, its line columns empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.domain.measurements import SECTION_OF_CATEGORY, SECTIONS

BILL_COLUMNS = (
    "id",
    "accountId",
    "accountCode",
    "billDate",
    "dueDate",
    "startDate",
    "endDate",
    "billingFrequency",
    "currency",
    "status",
    "locked",
    "billJobId",
    "lastCalculatedDate",
    "purchaseOrderNumber",
    "sequentialInvoiceNumber",
    "billTotal",
)
LINE_COLUMNS = (
    "id",
    "lineItemType",
    "description",
    "productId",
    "planId",
    "pricingId",
    "aggregationId",
    "compoundAggregationId",
    "meterId",
    "commitmentId",
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
    "usagePerPricingBand",
)
# In CSV a line item's columns follow the bill's, prefixed so that `id` and `currency`
# of the bill and of the line stay apart.
LINE_PREFIX = "lineItem."
BILL_CSV_HEADER = BILL_COLUMNS + tuple(LINE_PREFIX + name for name in LINE_COLUMNS)

MEASUREMENT_COLUMNS = ("uid", "meter", "account", "ts", "ets")
USAGE_COLUMNS = (
    "accountId",
    "accountCode",
    "aggregationId",
    "compoundAggregationId",
    "code",
    "segment",
    "periodStart",
    "periodEnd",
    "quantity",
    "units",
    "unit",
    "measurementCount",
)


def bill_csv_rows(bill: Mapping[str, Any]) -> list[list[Any]]:
    head = [bill.get(name) for name in BILL_COLUMNS]
    lines: Sequence[Mapping[str, Any]] = bill.get("lineItems") or ()
    if not lines:
        return [head + [None] * len(LINE_COLUMNS)]
    return [head + [line.get(name) for name in LINE_COLUMNS] for line in lines]


def field_columns(name_maps: Iterable[Mapping[str, str]]) -> list[str]:
    """Every `section.code` column of the meters whose `meter_field_names` are given, in
    section order (who, what, where, other, metadata, measure, income, cost), then by code."""
    found = {name for names in name_maps for name in names.values()}
    order = {section: index for index, section in enumerate(SECTIONS)}
    return sorted(found, key=lambda name: (order[name.split(".", 1)[0]], name))


def meter_field_names(meter: Mapping[str, Any]) -> dict[str, str]:
    """Field code → its export column `section.code`, for one meter's fields."""
    fields = [*(meter.get("data_fields") or ()), *(meter.get("derived_fields") or ())]
    return {f["code"]: f"{SECTION_OF_CATEGORY[f['category']]}.{f['code']}" for f in fields}


def measurement_record(head: Mapping[str, Any], data: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """A measurement: uid, meter, account, ts, ets, then every field of its meter as
    `section.code` (null when the measurement does not carry it)."""
    record = {name: head.get(name) for name in MEASUREMENT_COLUMNS}
    for code, name in names.items():
        record[name] = data.get(code)
    return record


def measurement_csv_row(record: Mapping[str, Any], columns: Sequence[str]) -> list[Any]:
    return [record.get(name) for name in (*MEASUREMENT_COLUMNS, *columns)]


def usage_csv_row(record: Mapping[str, Any]) -> list[Any]:
    return [record.get(name) for name in USAGE_COLUMNS]
