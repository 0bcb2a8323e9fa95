"""INITIALIZING: make the job's inputs complete, then decide which accounts it bills.

1. Ingest catch-up (SEMANTICS §6): every measurement batch of the organization accepted
   before the job's cutoff and still PENDING is processed here, inline. Processing is
   idempotent and locks the batch, so a batch an ingest worker is processing right now is
   skipped by us and waited for (up to `INGEST_WAIT_SECONDS`). A batch whose processing
   fails cannot contribute measurements; it is logged and the run goes on, because one
   broken batch must not stop every bill of the organization (**decision**).
2. Accounts: CREATE bills every account (of `accountIds`, or of the organization) with an
   account plan billing at the job's bill date at the job's frequency (or any); an
   account named in `accountIds` without such a plan has nothing to bill and is left
   out (**decision**). Accounts with a commitment fee dated the job's bill date and no
   account plan billing that day (at any frequency) are billed too: they get an AD_HOC
   bill of the fees (SEMANTICS §7.2 item 4, whatever the job's frequency), as are accounts
   with a charge of that date no plan bill carries (§9.2 rule 4). An account whose data
   cannot be assessed is billed, so that the job reports it alone (`_deciding`). RECALCULATE
   bills the accounts of the bills asked for that still exist; an AD_HOC bill is
   recalculated as the fee bill of its day alone.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from app.domain.periods import BillFrequency
from app.models.accounts import Account, Commitment
from app.models.billing import Bill, BillJob
from app.services.billing.commitments import load_commitments
from app.services.billing.planning import (
    AdHoc,
    BillRequest,
    Loaded,
    billing_frequencies,
    has_fee_on,
    has_plan_bill_on,
)
from app.services.billing.snapshots import Catalog, Organization, load_catalog, load_organization
from app.services.charges.billing import charged_accounts
from app.services.ingest import pending_batch_ids, process_measurement_batch

log = logging.getLogger("metergraph.billing")

INGEST_WAIT_SECONDS = 30.0
_INGEST_POLL_SECONDS = 0.2


def job_bill_date(job: BillJob) -> date:
    if job.bill_date is not None:
        return job.bill_date
    assert job.last_date_in_billing_period is not None  # a job names its period one way or the other
    return job.last_date_in_billing_period + timedelta(days=1)


async def process_pending_batches(
    organization_id: uuid.UUID, job: BillJob, wait_seconds: float = INGEST_WAIT_SECONDS
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    failed: set[uuid.UUID] = set()
    while True:
        pending = [
            b for b in await pending_batch_ids(organization_id, accepted_before=job.dt_cutoff) if b not in failed
        ]
        for batch_id in pending:
            try:
                await process_measurement_batch(batch_id)
            except Exception:  # noqa: BLE001 - see the module docstring
                log.exception("bill job %s: measurement batch %s could not be processed", job.id, batch_id)
                failed.add(batch_id)
        left = [b for b in await pending_batch_ids(organization_id, accepted_before=job.dt_cutoff) if b not in failed]
        if not left:
            return
        if loop.time() >= deadline:
            log.warning(
                "bill job %s: %d batches still being processed elsewhere; billing without waiting longer",
                job.id,
                len(left),
            )
            return
        await asyncio.sleep(_INGEST_POLL_SECONDS)  # being processed by an ingest worker


async def job_requests(
    organization_id: uuid.UUID, job: BillJob, account_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[BillRequest]]:
    """What each account is billed for: CREATE asks for the job's bill date at the job's
    frequency (or every frequency billing that day); RECALCULATE asks for exactly the
    (bill date, frequency) of each of the job's bills of that account."""
    if job.type != "RECALCULATE":
        frequency = BillFrequency(job.billing_frequency) if job.billing_frequency else None
        return {a: [BillRequest(job_bill_date(job), frequency)] for a in account_ids}
    requests: dict[uuid.UUID, list[BillRequest]] = {a: [] for a in account_ids}
    bills = await Bill.filter(
        organization_id=organization_id, id__in=list(job.bill_ids or []), account_id__in=list(account_ids)
    ).order_by("bill_date", "billing_frequency")
    for bill in bills:
        if bill.billing_frequency in BillFrequency.__members__:
            requests[bill.account_id].append(
                BillRequest(bill.bill_date, BillFrequency(bill.billing_frequency), required=True)
            )
        elif bill.billing_frequency == AdHoc.AD_HOC.value:
            requests[bill.account_id].append(BillRequest(bill.bill_date, None, plan_bills=False))
    return requests


@dataclass(frozen=True)
class JobAccounts:
    """The accounts a job bills, in id order as text; for CREATE also the organization and
    catalog they were chosen with (pricings included), so that planning the job's usage
    (`job_usage.prepare_job_usage`) does not load them a second time."""

    ids: list[uuid.UUID]
    loaded: Loaded | None = None


async def job_accounts(organization_id: uuid.UUID, job: BillJob) -> JobAccounts:
    if job.type == "RECALCULATE":
        return JobAccounts(await _recalculated_accounts(organization_id, job.bill_ids or []))
    return await _billed_accounts(organization_id, job)


async def _recalculated_accounts(organization_id: uuid.UUID, bill_ids: Sequence[str]) -> list[uuid.UUID]:
    ids = (
        await Bill.filter(organization_id=organization_id, id__in=list(bill_ids))
        .distinct()
        .values_list("account_id", flat=True)
    )
    return sorted(set(cast(list[uuid.UUID], ids)), key=str)


async def _billed_accounts(organization_id: uuid.UUID, job: BillJob) -> JobAccounts:
    bill_date = job_bill_date(job)
    org = await load_organization(organization_id, job.currency_conversions)
    account_ids = [uuid.UUID(str(a)) for a in job.account_ids] if job.account_ids is not None else None
    catalog = await load_catalog(organization_id, org, account_ids, [bill_date])
    frequency = BillFrequency(job.billing_frequency) if job.billing_frequency else None
    request = BillRequest(bill_date, frequency)
    plans = catalog.account_plans
    billed = _deciding(job, plans, lambda a: bool(billing_frequencies(plans[a], request, org)))
    billed |= await _ad_hoc_accounts(organization_id, job, org, catalog, account_ids, bill_date)
    billed |= await charged_accounts(organization_id, org, catalog.account_plans, account_ids, bill_date)
    catalog = await _with_accounts(organization_id, catalog, billed)
    return JobAccounts(sorted(billed, key=str), Loaded(org, catalog, frozenset([bill_date])))


async def _with_accounts(organization_id: uuid.UUID, catalog: Catalog, account_ids: set[uuid.UUID]) -> Catalog:
    """The catalog with these accounts too: those billed only for fees or charges have no
    account plan, so loading the catalog of every account did not read them."""
    missing = [a for a in account_ids if a not in catalog.accounts]
    if not missing:
        return catalog
    found = {a.id: a for a in await Account.filter(organization_id=organization_id, id__in=missing)}
    return Catalog({**catalog.accounts, **found}, catalog.account_plans, catalog.aggregations, catalog.groups)


async def _ad_hoc_accounts(
    organization_id: uuid.UUID,
    job: BillJob,
    org: Organization,
    catalog: Catalog,
    account_ids: Sequence[uuid.UUID] | None,
    bill_date: date,
) -> set[uuid.UUID]:
    """Accounts with a commitment fee on `bill_date` and no account plan billing then."""
    query = Commitment.filter(organization_id=organization_id)
    if account_ids is not None:
        query = query.filter(account_id__in=list(account_ids))
    with_commitments = set(await query.distinct().values_list("account_id", flat=True))
    if not with_commitments:
        return set()
    accounts = {a.id: a for a in await Account.filter(organization_id=organization_id, id__in=list(with_commitments))}
    commitments = await load_commitments(
        organization_id, accounts, catalog.account_plans, org.epochs(), org.config.commitment_fee_bill_in_advance
    )
    return _deciding(
        job,
        commitments,
        lambda a: (
            has_fee_on(commitments[a], bill_date, org)
            and not has_plan_bill_on(catalog.account_plans.get(a, ()), bill_date, org)
        ),
    )


def _deciding(job: BillJob, accounts: Iterable[uuid.UUID], billed: Callable[[uuid.UUID], bool]) -> set[uuid.UUID]:
    """The accounts `billed` says the job bills. An account whose data makes the decision
    fail (a stored date the schedules cannot step from, say) is billed too: composing its
    bill then fails the same way and the job reports it on that account alone, as it
    reports any account it cannot bill, instead of failing every bill of the organization
    at initialization (**decision**, as for broken ingest batches above)."""
    chosen = set()
    for account_id in accounts:
        try:
            if billed(account_id):
                chosen.add(account_id)
        except Exception:  # noqa: BLE001 - see the docstring; the chunk reports the account
            log.warning("bill job %s: account %s could not be assessed", job.id, account_id, exc_info=True)
            chosen.add(account_id)
    return chosen
