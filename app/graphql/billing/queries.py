"""Root queries: bills, bill jobs and bill previews, always within the caller's
organization.

Authorization (SEMANTICS §2.3 has no bills:retrieve): reading bills and jobs is
`config:retrieve` on kinds `bill` / `billJob`, like every other read. A preview runs the
whole bill computation, so besides reading (`config:retrieve` on `bill`, the field's
declared check) it needs `bills:run`, checked in the resolver.
"""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.queryset import QuerySet

from app.domain.ids import as_uuid
from app.graphql.authorization import authorize, refuse_if_denied, resource_name
from app.graphql.billing.types import Bill, BillJob, BillJobStatus, BillPreview, BillStatus
from app.graphql.catalog.plans import BillFrequency
from app.graphql.context import Info
from app.graphql.errors import BadRequest, or_bad_request
from app.graphql.inputs import filter_ids
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models import billing as m
from app.models.catalog import Aggregation
from app.services import billing

READ, RUN = "config:retrieve", "bills:run"


@strawberry.input(description="Narrows the bill list; every given criterion must hold.")
class BillFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these bills.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only bills of this account.")
    bill_date: date | None = strawberry.field(default=None, description="Only bills dated this day.")
    status: BillStatus | None = strawberry.field(default=None, description="Only bills in this status.")
    locked: bool | None = strawberry.field(default=None, description="Only locked (true) or unlocked (false) bills.")
    bill_job_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only bills last calculated by this job."
    )


@strawberry.input(description="Narrows the bill job list.")
class BillJobFilter:
    status: BillJobStatus | None = strawberry.field(default=None, description="Only jobs in this status.")


def filter_bills(query: QuerySet, flt: BillFilter | None) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if flt.account_id is not None:
        query = query.filter(account_id=filter_ids([flt.account_id], "accountId")[0])
    if flt.bill_job_id is not None:
        query = query.filter(bill_job_id=filter_ids([flt.bill_job_id], "billJobId")[0])
    if flt.bill_date is not None:
        query = query.filter(bill_date=flt.bill_date)
    if flt.status is not None:
        query = query.filter(status=flt.status.value)
    if flt.locked is not None:
        query = query.filter(locked=flt.locked)
    return query


@strawberry.type
class BillingQuery:
    @strawberry.field(
        description="Bills of the organization, by bill date then account code.", extensions=authorize(READ, "bill")
    )
    async def bills(
        self, info: Info, first: int | None = None, after: str | None = None, filter: BillFilter | None = None
    ) -> Connection[Bill]:
        query = filter_bills(m.Bill.filter(organization_id=info.context.organization_id), filter)
        return await paginate(query, first, after, Bill.of, order_by=("bill_date", "account_code", "billing_frequency"))

    @strawberry.field(description="One bill by id.", extensions=authorize(READ, "bill"))
    async def bill(self, info: Info, id: strawberry.ID) -> Bill | None:
        row = await by_id_or_code(m.Bill.filter(organization_id=info.context.organization_id), id, None)
        return Bill.of(row) if row else None

    @strawberry.field(description="Bill jobs of the organization, newest first.", extensions=authorize(READ, "billJob"))
    async def bill_jobs(
        self, info: Info, first: int | None = None, after: str | None = None, filter: BillJobFilter | None = None
    ) -> Connection[BillJob]:
        query = m.BillJob.filter(organization_id=info.context.organization_id)
        if filter is not None and filter.status is not None:
            query = query.filter(status=filter.status.value)
        return await paginate(query, first, after, BillJob.of, order_by=("-dt_created",))

    @strawberry.field(description="One bill job by id.", extensions=authorize(READ, "billJob"))
    async def bill_job(self, info: Info, id: strawberry.ID) -> BillJob | None:
        row = await by_id_or_code(m.BillJob.filter(organization_id=info.context.organization_id), id, None)
        return BillJob.of(row) if row else None

    @strawberry.field(
        description="The bills one account would get for a period, computed exactly as a bill job would "
        "and not stored. "
        "Name the period by lastDateInBillingPeriod or billDate; needs bills:run as well as read access.",
        extensions=authorize(READ, "bill"),
    )
    async def bill_preview(
        self,
        info: Info,
        account_id: strawberry.ID,
        last_date_in_billing_period: date | None = None,
        bill_date: date | None = None,
        billing_frequency: BillFrequency | None = None,
    ) -> list[BillPreview]:
        principal = info.context.require_principal()
        principal.require(RUN, resource_name(RUN, "bill"))
        refuse_if_denied(principal, READ, "account", account_id)
        parsed = as_uuid(account_id)
        if parsed is None:
            raise BadRequest(f"no account with id {account_id}")
        bills = await or_bad_request(
            lambda: billing.preview_bill(
                principal.organization_id,
                parsed,
                bill_date=bill_date,
                last_date_in_billing_period=last_date_in_billing_period,
                frequency=billing_frequency.value if billing_frequency else None,
            )
        )
        aggregation_ids = {
            line.aggregation_id for bill in bills for line in bill.lines if line.aggregation_id is not None
        }
        meter_of = (
            dict(
                await Aggregation.filter(
                    organization_id=principal.organization_id, id__in=list(aggregation_ids)
                ).values_list("id", "meter_id")
            )
            if aggregation_ids
            else {}
        )
        return [BillPreview.of(bill, meter_of) for bill in bills]
