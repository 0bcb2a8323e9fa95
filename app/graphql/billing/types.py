"""Output types of billing (SEMANTICS §7, CONTRACT §3–4): Bill, BillJob, BillPreview, and
their enums; the line items are in `line_items`.

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

from app.graphql.billing import loaders
from app.graphql.billing.line_items import (
    LineItem,
    LineItemType,
    PreviewLineItem,
    PricingBandUsage,
    as_id,
)
from app.graphql.catalog.plans.types import BillFrequency
from app.graphql.context import Info
from app.graphql.loaders import load, load_then
from app.graphql.organization import CurrencyConversion
from app.graphql.pagination import Connection, connection_of_list
from app.models import billing as m

if TYPE_CHECKING:
    from app.domain.billing import ComposedBill
    from app.graphql.accounts import Account

ACCOUNTS = "app.graphql.accounts"

__all__ = ["Bill", "BillJob", "BillPreview", "LineItem", "LineItemType", "PreviewLineItem", "PricingBandUsage"]


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


def _conversions(stored: list[dict[str, Any]] | None) -> list[CurrencyConversion] | None:
    if stored is None:
        return None
    return [CurrencyConversion(from_=c["from"], to=c["to"], multiplier=Decimal(str(c["multiplier"]))) for c in stored]


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
    locked_by_lock_date: bool = strawberry.field(
        description="Locked by the organization's billLockDate, not by a person: moving the date back unlocks it."
    )
    external_invoice_date: date = strawberry.field(
        description="The invoice date accounting systems get: by the organization's externalInvoiceDate rule, "
        "or the date the bill job that last calculated it was given."
    )
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

    @strawberry.field(description="A JSON statement of the bill is stored (SEMANTICS §12.2).")
    def json_statement_generated(self) -> bool:
        return self._row.json_statement_generated

    @strawberry.field(description="A CSV statement of the bill is stored (SEMANTICS §12.2).")
    def csv_statement_generated(self) -> bool:
        return self._row.csv_statement_generated

    @strawberry.field(
        description="The bill changed (recalculated, or a memo line changed) since its statement was generated; "
        "the old statement stays downloadable until regenerated."
    )
    def statement_stale(self) -> bool:
        return self._row.statement_stale

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
            locked_by_lock_date=row.locked_by_lock_date,
            # Null only on bills stored before the rule existed, when every bill used the default.
            external_invoice_date=row.external_invoice_date or row.bill_date,
            bill_job_id=as_id(row.bill_job_id),
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


def _job_bill_ids(self: BillJob, info: Info) -> Any:
    """The bills on the job's account rows (the job row only counts them)."""
    return load_then(info, loaders.BILL_IDS_BY_JOB, self._row.id, lambda ids: [strawberry.ID(str(i)) for i in ids])


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
    external_invoice_date: date | None = strawberry.field(
        description="The external invoice date given to every bill it writes; none = the organization's rule."
    )
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
    bill_ids: list[strawberry.ID] = strawberry.field(
        description="Bills made or updated so far.", resolver=_job_bill_ids
    )
    failure_reason: str | None = strawberry.field(description="Why the job could not run at all (FAILED).")
    dt_started: datetime | None = strawberry.field(description="When a worker started it.")
    dt_completed: datetime | None = strawberry.field(description="When it reached a terminal status.")
    dt_created: datetime = strawberry.field(description="When it was asked for.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that asked for it.")
    scheduled: bool = strawberry.field(description="Whether the scheduler started it (a scheduled run).")
    triggered_at: datetime | None = strawberry.field(
        description="The scheduled run instant that started it; none for a job a client asked for."
    )
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
    async def bills(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Bill]:
        ids = await load(info, loaders.BILL_IDS_BY_JOB, self._row.id)
        rows = await load(info, loaders.BILLS_BY_IDS, tuple(str(i) for i in ids))
        return connection_of_list(rows, first, after, Bill.of)

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
            external_invoice_date=row.external_invoice_date,
            account_ids=None if row.account_ids is None else [strawberry.ID(str(a)) for a in row.account_ids],
            currency_conversions=_conversions(row.currency_conversions),
            total=row.total,
            pending=row.pending,
            failed=row.failed,
            failure_reason=row.failure_reason,
            dt_started=row.dt_started,
            dt_completed=row.dt_completed,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
            created_by=row.created_by,
            scheduled=row.scheduled,
            triggered_at=row.triggered_at,
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
