"""Bill job use cases (SEMANTICS §7.4): create, recalculate, cancel; run, sweep and preview
live in their own modules and are re-exported here.

Creating stores the job PENDING with its cutoff (the database clock: the measurement
batches accepted before it are billed, SEMANTICS §6), then, after that commit, asks a
worker to run it through `enqueue` (an async callable the caller binds to its arq pool:
`enqueue(job_name, *args)`). A lost enqueue loses nothing: the sweep finds the job.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from app.db import connection
from app.models.billing import BillJob
from app.services.billing import state
from app.services.billing.commands import CreateBillJob, RecalculateBills, input_name
from app.services.billing.preview import preview_bill
from app.services.billing.requests import (
    account_ids_of,
    bill_date_of,
    bills_to_recalculate,
    conversions_of,
    frequency_of,
)
from app.services.billing.run import ClaimLoops, Enqueue, process_bill_job_chunks, run_bill_job
from app.services.billing.sweep import RUN_JOB, sweep_bill_jobs
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned

__all__ = [
    "ClaimLoops",
    "cancel_bill_job",
    "create_bill_job",
    "preview_bill",
    "process_bill_job_chunks",
    "recalculate_bills",
    "run_bill_job",
    "sweep_bill_jobs",
]

log = logging.getLogger("metergraph.billing")


async def create_bill_job(
    organization_id: uuid.UUID, command: CreateBillJob, *, actor: str | None, enqueue: Enqueue | None
) -> BillJob:
    """A CREATE job (SEMANTICS §7.4). Raises InputErrors naming every problem, nothing stored."""
    problems = ProblemCollector()
    last, bill = bill_date_of(command.last_date_in_billing_period, command.bill_date, problems)
    frequency = frequency_of(command.billing_frequency, problems)
    account_ids = await account_ids_of(organization_id, command.account_ids, problems)
    conversions = await conversions_of(organization_id, command.currency_conversions, problems)
    invoice_date = _invoice_date_of(command.external_invoice_date, problems)
    problems.raise_if_any()
    return await _store_and_enqueue(
        organization_id,
        actor,
        enqueue,
        type="CREATE",
        last_date_in_billing_period=last,
        bill_date=bill,
        billing_frequency=frequency,
        account_ids=account_ids,
        currency_conversions=conversions,
        external_invoice_date=invoice_date,
    )


def _invoice_date_of(value: date | str | None, problems: ProblemCollector) -> date | None:
    """The job's external invoice date override (SEMANTICS §13.2 rule 6), if a date."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.add(
            input_name(CreateBillJob, "external_invoice_date"), ErrorCode.INVALID, "must be a date (YYYY-MM-DD)"
        )
        return None


async def recalculate_bills(
    organization_id: uuid.UUID, command: RecalculateBills, *, actor: str | None, enqueue: Enqueue | None
) -> BillJob:
    """A RECALCULATE job over these bills (their accounts, bill dates and frequencies).
    A locked bill among them refuses the whole request (INVALID_STATE naming it); a bill
    locked after the job was made is skipped by the job."""
    problems = ProblemCollector()
    bills = await bills_to_recalculate(organization_id, command.bill_ids, problems)
    conversions = await conversions_of(organization_id, command.currency_conversions, problems)
    problems.raise_if_any()
    return await _store_and_enqueue(
        organization_id,
        actor,
        enqueue,
        type="RECALCULATE",
        bill_ids=sorted({str(b.id) for b in bills}),
        account_ids=sorted({str(b.account_id) for b in bills}),
        currency_conversions=conversions,
    )


async def _store_and_enqueue(
    organization_id: uuid.UUID, actor: str | None, enqueue: Enqueue | None, **values: Any
) -> BillJob:
    async with connection() as conn:
        cutoff = await conn.fetchval("SELECT clock_timestamp()")
    job = await BillJob.create(
        organization_id=organization_id,
        status=state.PENDING,
        dt_cutoff=cutoff,
        created_by=actor,
        last_modified_by=actor,
        **values,
    )
    if enqueue is not None:
        try:
            await enqueue(RUN_JOB, str(job.id), str(organization_id))
        except Exception:  # noqa: BLE001 - the job is stored; the sweep enqueues it later
            log.warning("could not enqueue bill job %s; the sweep will", job.id, exc_info=True)
    return job


async def cancel_bill_job(
    organization_id: uuid.UUID, job_id: uuid.UUID, *, actor: str | None, redis: Any | None = None
) -> BillJob:
    """CANCELLED unless already terminal (INVALID_STATE). Bills already made stay; workers
    stop claiming accounts after the chunk in hand."""
    job = await get_owned(BillJob, organization_id, job_id)
    if not await state.transition(organization_id, job.id, state.CANCELLED, state.ACTIVE, actor=actor):
        current = await get_owned(BillJob, organization_id, job_id)
        raise fail(
            ("input", "id"), ErrorCode.INVALID_STATE, f"bill job {job_id} is {current.status} and cannot be cancelled"
        )
    await state.publish(redis, organization_id, job.id)
    return await get_owned(BillJob, organization_id, job_id)
