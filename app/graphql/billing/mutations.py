"""Root mutations: run bill jobs (`bills:run`), approve and lock bills (`bills:approve`).

Resolvers only convert input and output: the job rules are in `app.services.billing`,
the status rules in `app.services.billing.lifecycle`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from app.graphql.authorization import authorize
from app.graphql.billing.types import Bill, BillJob
from app.graphql.catalog.plans import BillFrequency
from app.graphql.context import Info
from app.graphql.errors import UserError, respond
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import CurrencyConversionInput
from app.services import billing
from app.services.billing import CreateBillJob, CurrencyConversion, RecalculateBills, lifecycle
from app.services.queue_wake import wake_workers
from app.services.statements import request_statements

RUN, APPROVE = "bills:run", "bills:approve"


@strawberry.input(description="Bills to make: name the period by lastDateInBillingPeriod or billDate.")
class CreateBillJobInput:
    last_date_in_billing_period: date | None = strawberry.field(
        default=None, description="Bill the periods ending on this day."
    )
    bill_date: date | None = strawberry.field(default=None, description="Bill the periods whose bill date is this day.")
    billing_frequency: BillFrequency | None = strawberry.field(
        default=None, description="Only plans of this frequency; none = all."
    )
    account_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these accounts; none = every account with an active plan."
    )
    currency_conversions: list[CurrencyConversionInput] | None = strawberry.field(
        default=None, description="Conversions to use instead of the organization's."
    )
    external_invoice_date: date | None = strawberry.field(
        default=None, description="The external invoice date of every bill the job writes, instead of the rule's."
    )


@strawberry.input(description="The bill job to cancel.")
class CancelBillJobInput:
    id: strawberry.ID = strawberry.field(description="The bill job.")


@strawberry.input(description="Bills to calculate again from the current configuration and usage.")
class RecalculateBillsInput:
    bill_ids: list[strawberry.ID] = strawberry.field(description="The bills; locked bills are refused.")


@strawberry.input(description="Bills to approve (all or nothing).")
class ApproveBillsInput:
    bill_ids: list[strawberry.ID] = strawberry.field(description="The bills; each must exist and be unlocked.")


@strawberry.input(description="The bill to lock.")
class LockBillInput:
    id: strawberry.ID = strawberry.field(description="The bill; it must be APPROVED.")
    version: int = strawberry.field(description="The version you read.")


@strawberry.type(description="Result of a bill job mutation.")
class BillJobPayload:
    bill_job: BillJob | None = strawberry.field(description="The bill job after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of approveBills.")
class BillsPayload:
    bills: list[Bill] | None = strawberry.field(description="The bills after the change, in the order named.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of lockBill.")
class BillPayload:
    bill: Bill | None = strawberry.field(description="The bill after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def enqueuer(info: Info):  # noqa: ANN201 - async (function_name, *args) -> job
    """Enqueue arq jobs through the process's queue client (`info.context.queue`), then wake
    the idle workers: these are jobs a person waits for (`app.services.queue_wake`)."""
    queue = info.context.queue

    async def enqueue(function_name: str, *args: Any, **kwargs: Any) -> Any:
        if queue is None:
            raise RuntimeError("this process has no job queue")
        job = await queue.enqueue_job(function_name, *args, **kwargs)
        await wake_workers(queue)
        return job

    return enqueue


def _conversions(inputs: list[CurrencyConversionInput] | None) -> tuple[CurrencyConversion, ...] | None:
    if inputs is None:
        return None
    return tuple(CurrencyConversion(c.from_, c.to, c.multiplier) for c in inputs)


def create_bill_job_command(input: CreateBillJobInput) -> CreateBillJob:
    return CreateBillJob(
        last_date_in_billing_period=input.last_date_in_billing_period,
        bill_date=input.bill_date,
        billing_frequency=input.billing_frequency.value if input.billing_frequency else None,
        account_ids=None if input.account_ids is None else tuple(input.account_ids),
        currency_conversions=_conversions(input.currency_conversions),
        external_invoice_date=input.external_invoice_date,
    )


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="Ask for the bills of a period; workers make them and report progress (billJobProgress).",
        extensions=authorize(RUN, "billJob"),
    )
    async def create_bill_job(self, info: Info, input: CreateBillJobInput) -> BillJobPayload:
        p = info.context.require_principal()
        return await respond(
            BillJobPayload,
            "bill_job",
            lambda: billing.create_bill_job(
                p.organization_id, create_bill_job_command(input), actor=p.actor, enqueue=enqueuer(info)
            ),
            BillJob.of,
        )

    @strawberry.mutation(
        description="Stop a bill job; bills already made stay.", extensions=authorize(RUN, "billJob", input_item())
    )
    async def cancel_bill_job(self, info: Info, input: CancelBillJobInput) -> BillJobPayload:
        p = info.context.require_principal()
        return await respond(
            BillJobPayload,
            "bill_job",
            lambda: billing.cancel_bill_job(
                p.organization_id, parse_id(input.id), actor=p.actor, redis=info.context.redis
            ),
            BillJob.of,
        )

    @strawberry.mutation(
        description="Calculate bills again in a new bill job; an APPROVED bill returns to PENDING.",
        extensions=authorize(RUN, "bill", input_item("bill_ids")),
    )
    async def recalculate_bills(self, info: Info, input: RecalculateBillsInput) -> BillJobPayload:
        p = info.context.require_principal()
        command = RecalculateBills(bill_ids=tuple(input.bill_ids))
        return await respond(
            BillJobPayload,
            "bill_job",
            lambda: billing.recalculate_bills(p.organization_id, command, actor=p.actor, enqueue=enqueuer(info)),
            BillJob.of,
        )

    @strawberry.mutation(
        description="Approve PENDING bills (all or nothing); approving an APPROVED bill changes nothing.",
        extensions=authorize(APPROVE, "bill", input_item("bill_ids")),
    )
    async def approve_bills(self, info: Info, input: ApproveBillsInput) -> BillsPayload:
        p = info.context.require_principal()

        async def approve() -> list:
            bills = await lifecycle.approve_bills(p.organization_id, list(input.bill_ids), actor=p.actor)
            # After the commit: statements of the approved bills (SEMANTICS §12.2 rule 2).
            await request_statements(p.organization_id, [b.id for b in bills], enqueue=enqueuer(info))
            return bills

        return await respond(BillsPayload, "bills", approve, lambda bills: [Bill.of(b) for b in bills])

    @strawberry.mutation(
        description="Lock an APPROVED bill: it never changes again.",
        extensions=authorize(APPROVE, "bill", input_item()),
    )
    async def lock_bill(self, info: Info, input: LockBillInput) -> BillPayload:
        p = info.context.require_principal()

        async def lock() -> Any:
            bill = await lifecycle.lock_bill(
                p.organization_id, parse_id(input.id), version=input.version, actor=p.actor
            )
            await request_statements(p.organization_id, [bill.id], enqueue=enqueuer(info))  # SEMANTICS §12.2 rule 2
            return bill

        return await respond(BillPayload, "bill", lock, Bill.of)
