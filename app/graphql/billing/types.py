"""Output types of billing (SEMANTICS §7, CONTRACT §3–4): Bill, LineItem, BillJob,
BillPreview, and their enums.

Nested edges read through per-request DataLoaders (`app.graphql.billing.loaders`): a
page of bills costs one statement for all their line items, one for their accounts, one
for their jobs.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.domain.billing import LineType
from app.graphql.billing import loaders
from app.graphql.catalog.plans.types import BillFrequency
from app.graphql.context import Info
from app.graphql.loaders import load_then
from app.graphql.organization import CurrencyConversion
from app.graphql.pagination import Connection, connection_of_list
from app.models import billing as m

if TYPE_CHECKING:
    from app.domain.billing import BillLine, ComposedBill
    from app.graphql.accounts import Account

ACCOUNTS = "app.graphql.accounts"

LineItemType = strawberry.enum(
    LineType, name="LineItemType", description="Kind of bill line (SEMANTICS §7.2), in bill order."
)


@strawberry.enum(description="How often a bill falls; AD_HOC is a bill outside any plan's schedule (a commitment fee).")
class BillingFrequency(str, Enum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ANNUALLY = "ANNUALLY"
    AD_HOC = "AD_HOC"


@strawberry.enum(description="Where a bill is in its lifecycle (SEMANTICS §7.5).")
class BillStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"


@strawberry.enum(
    description="Where a bill job is: PENDING → INITIALIZING → RUNNING → COMPLETE, or CANCELLED, or FAILED."
)
class BillJobStatus(str, Enum):
    PENDING = "PENDING"
    INITIALIZING = "INITIALIZING"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


@strawberry.enum(description="What a bill job does: create the bills of a period, or recalculate given bills.")
class BillJobType(str, Enum):
    CREATE = "CREATE"
    RECALCULATE = "RECALCULATE"


def _id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _conversions(stored: list[dict[str, Any]] | None) -> list[CurrencyConversion] | None:
    if stored is None:
        return None
    return [CurrencyConversion(from_=c["from"], to=c["to"], multiplier=Decimal(str(c["multiplier"]))) for c in stored]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@strawberry.type(description="What one pricing band contributed to a usage line (SEMANTICS §4.4).")
class PricingBandUsage:
    lower_limit: Decimal = strawberry.field(description="The band's lower limit (exclusive except for the first band).")
    unit_price: Decimal = strawberry.field(description="The band's price per unit.")
    fixed_price: Decimal = strawberry.field(
        description="Fixed price charged for the band in this period (0 when an earlier period paid it)."
    )
    band_units: Decimal = strawberry.field(description="Units priced in this band.")
    band_quantity: Decimal = strawberry.field(
        description="Raw quantity those units stand for (units × quantityPerUnit)."
    )
    band_subtotal: Decimal = strawberry.field(
        description="What the band charged: units × unit price + fixed price, exact."
    )

    @classmethod
    def of_stored(cls, stored: dict[str, Any]) -> PricingBandUsage:
        return cls(
            lower_limit=Decimal(str(stored["lowerLimit"])),
            unit_price=Decimal(str(stored["unitPrice"])),
            fixed_price=Decimal(str(stored["fixedPrice"])),
            band_units=Decimal(str(stored["bandUnits"])),
            band_quantity=Decimal(str(stored["bandQuantity"])),
            band_subtotal=Decimal(str(stored["bandSubtotal"])),
        )

    @classmethod
    def of_domain(cls, band: Any) -> PricingBandUsage:
        return cls(
            lower_limit=band.lower_limit,
            unit_price=band.unit_price,
            fixed_price=band.fixed_price,
            band_units=band.band_units,
            band_quantity=band.band_quantity,
            band_subtotal=band.band_subtotal,
        )


@strawberry.type(description="The fields every bill line has, stored or previewed.")
class LineItemFields:
    line_item_type: LineItemType = strawberry.field(description="Kind of line.")
    description: str | None = strawberry.field(description="Text printed on the bill.")
    account_plan_id: strawberry.ID | None = strawberry.field(description="The account plan the line bills.")
    product_id: strawberry.ID | None = strawberry.field(description="The product.")
    plan_id: strawberry.ID | None = strawberry.field(description="The plan.")
    pricing_id: strawberry.ID | None = strawberry.field(description="The pricing that priced the line (usage lines).")
    aggregation_id: strawberry.ID | None = strawberry.field(description="The aggregation measured (usage lines).")
    compound_aggregation_id: strawberry.ID | None = strawberry.field(
        description="The compound aggregation measured (usage lines)."
    )
    meter_id: strawberry.ID | None = strawberry.field(description="The meter of the aggregation.")
    commitment_id: strawberry.ID | None = strawberry.field(description="The commitment (commitment lines).")
    segment: JSON | None = strawberry.field(description="The segment priced: field code → value.")
    child_account_id: strawberry.ID | None = strawberry.field(
        description="The child account whose usage this is (parent breakdown)."
    )
    child_account_code: str | None = strawberry.field(description="Code of that child account.")
    quantity: Decimal | None = strawberry.field(description="Raw aggregated quantity.")
    units: Decimal | None = strawberry.field(description="Billable units: quantity / quantityPerUnit, rounded.")
    unit: str | None = strawberry.field(description="Label of the units.")
    subtotal: Decimal = strawberry.field(description="Amount in the line's currency, rounded to it.")
    currency: str = strawberry.field(description="The line's (pricing) currency.")
    conversion_rate: Decimal = strawberry.field(description="Multiplier from the line's currency to the bill's.")
    converted_subtotal: Decimal = strawberry.field(description="Amount in the bill currency, rounded to it.")
    average_unit_price: Decimal | None = strawberry.field(description="subtotal / units (0 when units is 0).")
    service_period_start_date: datetime | None = strawberry.field(
        description="Start of the period the line charges for (inclusive)."
    )
    service_period_end_date: datetime | None = strawberry.field(
        description="End of the period the line charges for (exclusive)."
    )
    usage_per_pricing_band: list[PricingBandUsage] = strawberry.field(description="Per-band breakdown of a usage line.")


@strawberry.type(description="One line of a stored bill.")
class LineItem(LineItemFields):
    id: strawberry.ID = strawberry.field(description="Id of the line item.")
    bill_id: strawberry.ID = strawberry.field(description="The bill it belongs to.")
    position: int = strawberry.field(description="Position on the bill (0-based, in bill order).")

    @classmethod
    def of(cls, row: m.BillLineItem) -> LineItem:
        return cls(
            id=strawberry.ID(str(row.id)),
            bill_id=strawberry.ID(str(row.bill_id)),
            position=row.position,
            line_item_type=LineType(row.line_item_type),
            description=row.description,
            account_plan_id=_id(row.account_plan_id),
            product_id=_id(row.product_id),
            plan_id=_id(row.plan_id),
            pricing_id=_id(row.pricing_id),
            aggregation_id=_id(row.aggregation_id),
            compound_aggregation_id=_id(row.compound_aggregation_id),
            meter_id=_id(row.meter_id),
            commitment_id=_id(row.commitment_id),
            segment=row.segment,
            child_account_id=_id(row.child_account_id),
            child_account_code=row.child_account_code,
            quantity=_decimal(row.quantity),
            units=_decimal(row.units),
            unit=row.unit,
            subtotal=Decimal(str(row.subtotal)),
            currency=row.currency,
            conversion_rate=Decimal(str(row.conversion_rate)),
            converted_subtotal=Decimal(str(row.converted_subtotal)),
            average_unit_price=_decimal(row.average_unit_price),
            service_period_start_date=row.service_period_start,
            service_period_end_date=row.service_period_end,
            usage_per_pricing_band=[PricingBandUsage.of_stored(b) for b in row.usage_per_pricing_band or []],
        )


@strawberry.type(description="A line of a previewed bill (computed, not stored).")
class PreviewLineItem(LineItemFields):
    @classmethod
    def of(cls, line: BillLine, meter_of: dict[Any, Any]) -> PreviewLineItem:
        return cls(
            line_item_type=LineType(line.line_type),
            description=line.description,
            account_plan_id=_id(line.account_plan_id),
            product_id=_id(line.product_id),
            plan_id=_id(line.plan_id),
            pricing_id=_id(line.pricing_id),
            aggregation_id=_id(line.aggregation_id),
            compound_aggregation_id=_id(line.compound_aggregation_id),
            meter_id=_id(meter_of.get(line.aggregation_id)),
            commitment_id=_id(line.commitment_id),
            segment=None if line.segment is None else dict(line.segment),
            child_account_id=_id(line.child_account_id),
            child_account_code=line.child_account_code,
            quantity=line.quantity,
            units=line.units,
            unit=line.unit,
            subtotal=line.subtotal,
            currency=line.currency,
            conversion_rate=line.conversion_rate,
            converted_subtotal=line.converted_subtotal,
            average_unit_price=line.average_unit_price,
            service_period_start_date=line.service_period_start,
            service_period_end_date=line.service_period_end,
            usage_per_pricing_band=[PricingBandUsage.of_domain(b) for b in line.usage_per_pricing_band],
        )


@strawberry.type(description="A bill of one account for one bill date and frequency (SEMANTICS §7).")
class Bill:
    id: strawberry.ID = strawberry.field(description="Id of the bill.")
    version: int = strawberry.field(description="Incremented by every change (recalculation, approval, lock).")
    account_id: strawberry.ID = strawberry.field(description="The account billed.")
    account_code: str = strawberry.field(description="Code of the account billed.")
    bill_date: date = strawberry.field(description="Date of the bill (the day after its period).")
    due_date: date = strawberry.field(description="billDate + daysBeforeBillDue.")
    start_date: date = strawberry.field(description="First day of the billing period.")
    end_date: date = strawberry.field(description="Day after the last day of the billing period.")
    last_date_in_billing_period: date = strawberry.field(
        description="Last day of the billing period (billDate − 1 day)."
    )
    billing_frequency: BillingFrequency = strawberry.field(description="Frequency of the plans billed.")
    currency: str = strawberry.field(description="Bill currency.")
    status: BillStatus = strawberry.field(description="PENDING or APPROVED.")
    locked: bool = strawberry.field(description="A locked bill never changes again; bill jobs skip it.")
    bill_job_id: strawberry.ID | None = strawberry.field(description="The job that last calculated it.")
    last_calculated_date: datetime | None = strawberry.field(description="When it was last calculated.")
    purchase_order_number: str | None = strawberry.field(description="The account's purchase order number.")
    sequential_invoice_number: str | None = strawberry.field(
        description="Invoice number (billPrefix + sequence), when the organization sets a prefix."
    )
    bill_total: Decimal = strawberry.field(description="Sum of the lines' convertedSubtotal, in the bill currency.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    _row: strawberry.Private[m.Bill]

    @strawberry.field(description="Line items, in bill order.")
    def line_items(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[LineItem]:
        return load_then(
            info, loaders.LINES_BY_BILL, self._row.id, lambda rows: connection_of_list(rows, first, after, LineItem.of)
        )

    @strawberry.field(description="The account billed.")
    def account(self, info: Info) -> Annotated[Account, strawberry.lazy(ACCOUNTS)] | None:
        from app.graphql.accounts import Account

        return load_then(
            info, loaders.ACCOUNT_BY_ID, self._row.account_id, lambda row: Account.of(row) if row else None
        )

    @strawberry.field(description="The job that last calculated it.")
    def bill_job(self, info: Info) -> BillJob | None:
        if self._row.bill_job_id is None:
            return None
        return load_then(info, loaders.JOB_BY_ID, self._row.bill_job_id, lambda row: BillJob.of(row) if row else None)

    @classmethod
    def of(cls, row: m.Bill) -> Bill:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            account_id=strawberry.ID(str(row.account_id)),
            account_code=row.account_code,
            bill_date=row.bill_date,
            due_date=row.due_date,
            start_date=row.start_date,
            end_date=row.end_date,
            last_date_in_billing_period=row.bill_date - timedelta(days=1),
            billing_frequency=BillingFrequency(row.billing_frequency),
            currency=row.currency,
            status=BillStatus(row.status),
            locked=row.locked,
            bill_job_id=_id(row.bill_job_id),
            last_calculated_date=row.last_calculated_date,
            purchase_order_number=row.purchase_order_number,
            sequential_invoice_number=row.sequential_invoice_number,
            bill_total=Decimal(str(row.bill_total)),
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            _row=row,
        )


@strawberry.type(description="An account whose bill failed in a bill job, and why.")
class BillJobFailure:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    reason: str = strawberry.field(description="Why its bill could not be made (e.g. a missing currency conversion).")


@strawberry.type(description="A request for bills, run by workers (SEMANTICS §7.4).")
class BillJob:
    id: strawberry.ID = strawberry.field(description="Id of the bill job.")
    version: int = strawberry.field(description="Incremented by every change of the job's state.")
    status: BillJobStatus = strawberry.field(description="Where the job is.")
    type: BillJobType = strawberry.field(description="CREATE or RECALCULATE.")
    last_date_in_billing_period: date | None = strawberry.field(
        description="Bills whose period ends on this day (CREATE)."
    )
    bill_date: date | None = strawberry.field(description="Bills dated this day (CREATE).")
    billing_frequency: BillFrequency | None = strawberry.field(description="Only plans of this frequency; none = all.")
    account_ids: list[strawberry.ID] | None = strawberry.field(
        description="The accounts asked for; none = every account with an active plan."
    )
    currency_conversions: list[CurrencyConversion] | None = strawberry.field(
        description="Conversions overriding the organization's; none = the organization's."
    )
    total: int = strawberry.field(description="Accounts to bill (set once the job is initialized).")
    pending: int = strawberry.field(description="Accounts not billed yet.")
    failed: int = strawberry.field(description="Accounts whose bill failed (see failures).")
    bill_ids: list[strawberry.ID] = strawberry.field(description="Bills made or updated so far.")
    failure_reason: str | None = strawberry.field(description="Why the job could not run at all (FAILED).")
    dt_started: datetime | None = strawberry.field(description="When a worker started it.")
    dt_completed: datetime | None = strawberry.field(description="When it reached a terminal status.")
    dt_created: datetime = strawberry.field(description="When it was asked for.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that asked for it.")
    _row: strawberry.Private[m.BillJob]

    @strawberry.field(description="Accounts whose bill failed, with the reason.")
    def failures(self, info: Info) -> list[BillJobFailure]:
        return load_then(
            info,
            loaders.FAILURES_BY_JOB,
            self._row.id,
            lambda rows: [
                BillJobFailure(account_id=strawberry.ID(str(r.account_id)), reason=r.reason or "") for r in rows
            ],
        )

    @strawberry.field(description="Bills made or updated by this job, by account code.")
    def bills(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Bill]:
        key = tuple(str(i) for i in self._row.result_bill_ids or ())
        return load_then(info, loaders.BILLS_BY_IDS, key, lambda rows: connection_of_list(rows, first, after, Bill.of))

    @classmethod
    def of(cls, row: m.BillJob) -> BillJob:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            status=BillJobStatus(row.status),
            type=BillJobType(row.type),
            last_date_in_billing_period=row.last_date_in_billing_period,
            bill_date=row.bill_date,
            billing_frequency=BillFrequency(row.billing_frequency) if row.billing_frequency else None,
            account_ids=None if row.account_ids is None else [strawberry.ID(str(a)) for a in row.account_ids],
            currency_conversions=_conversions(row.currency_conversions),
            total=row.total,
            pending=row.pending,
            failed=row.failed,
            bill_ids=[strawberry.ID(str(b)) for b in row.result_bill_ids or ()],
            failure_reason=row.failure_reason,
            dt_started=row.dt_started,
            dt_completed=row.dt_completed,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            _row=row,
        )


@strawberry.type(description="A bill computed for one account exactly as a bill job would, without being stored.")
class BillPreview:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    account_code: str = strawberry.field(description="Code of the account.")
    bill_date: date = strawberry.field(description="Date of the bill.")
    due_date: date = strawberry.field(description="billDate + daysBeforeBillDue.")
    billing_frequency: BillingFrequency = strawberry.field(description="Frequency of the plans billed.")
    start_date: date = strawberry.field(description="First day of the billing period.")
    end_date: date = strawberry.field(description="Day after the last day of the billing period.")
    last_date_in_billing_period: date = strawberry.field(description="Last day of the billing period.")
    currency: str = strawberry.field(description="Bill currency.")
    account_plan_ids: list[strawberry.ID] = strawberry.field(description="The account plans billed.")
    line_items: list[PreviewLineItem] = strawberry.field(description="Line items, in bill order.")
    bill_total: Decimal = strawberry.field(description="Sum of the lines' convertedSubtotal, in the bill currency.")

    @classmethod
    def of(cls, bill: ComposedBill, meter_of: dict[Any, Any]) -> BillPreview:
        """`meter_of`: aggregation id → meter id (a stored line names its meter too)."""
        return cls(
            account_id=strawberry.ID(str(bill.account_id)),
            account_code=bill.account_code,
            bill_date=bill.bill_date,
            due_date=bill.due_date,
            billing_frequency=BillingFrequency(getattr(bill.frequency, "value", bill.frequency)),
            start_date=bill.start,
            end_date=bill.end,
            last_date_in_billing_period=bill.last_date_in_billing_period,
            currency=bill.currency,
            account_plan_ids=[strawberry.ID(str(a)) for a in bill.account_plan_ids],
            line_items=[PreviewLineItem.of(line, meter_of) for line in bill.lines],
            bill_total=bill.total,
        )
