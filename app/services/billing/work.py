"""One chunk of a bill job: the bills of the claimed accounts, composed and stored.

What each account is billed for: CREATE asks for the job's bill date at the job's
frequency (or every frequency billing that day); RECALCULATE asks for exactly the
(bill date, frequency) of each of the job's bills of that account. The accounts are
composed together (set-based loading), then each bill is stored in its own transaction
in account order; the lease on the chunk is renewed while that goes on.

Failure isolation: a bill that cannot be composed or stored fails its account, with the
reason; an unexpected error while loading the chunk as a whole fails every account of the
chunk with that reason (**decision**: a job always terminates, never loops on a bad
chunk; a crash of the worker itself is different: the lease expires and the chunk is
done again).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

from app.domain.billing import ComposedBill
from app.domain.periods import BillFrequency
from app.models.billing import Bill, BillJob
from app.services.billing import claims
from app.services.billing.claims import AccountResult, Claim
from app.services.billing.compute import BillRequest, Computed, compose_for_accounts
from app.services.billing.initialize import job_bill_date
from app.services.billing.persist import Outcome, StoreOptions, store_bill

log = logging.getLogger("metergraph.billing")

RENEW_EVERY_SECONDS = claims.LEASE_SECONDS / 4


async def work_on(organization_id: uuid.UUID, job: BillJob, claim: Claim) -> dict[uuid.UUID, AccountResult]:
    results = {account_id: AccountResult() for account_id in claim.account_ids}
    try:
        requests = await _requests(organization_id, job, claim.account_ids)
        computed = await compose_for_accounts(organization_id, requests, conversions=job.currency_conversions)
    except Exception as error:  # noqa: BLE001 - see the module docstring
        log.exception("bill job %s: a chunk of %d accounts could not be loaded", job.id, len(results))
        for result in results.values():
            result.failures.append(f"internal error while loading: {type(error).__name__}")
        return results
    await _store_all(organization_id, job, claim, computed, results)
    return results


async def _requests(organization_id: uuid.UUID, job: BillJob, account_ids: Sequence[uuid.UUID]
                    ) -> dict[uuid.UUID, list[BillRequest]]:
    if job.type != "RECALCULATE":
        frequency = BillFrequency(job.billing_frequency) if job.billing_frequency else None
        return {a: [BillRequest(job_bill_date(job), frequency)] for a in account_ids}
    requests: dict[uuid.UUID, list[BillRequest]] = {a: [] for a in account_ids}
    bills = await Bill.filter(organization_id=organization_id, id__in=list(job.bill_ids or []),
                              account_id__in=list(account_ids)).order_by("bill_date", "billing_frequency")
    for bill in bills:
        if bill.billing_frequency in BillFrequency.__members__:
            requests[bill.account_id].append(
                BillRequest(bill.bill_date, BillFrequency(bill.billing_frequency), required=True))
    return requests


async def _store_all(organization_id: uuid.UUID, job: BillJob, claim: Claim, computed: Computed,
                     results: dict[uuid.UUID, AccountResult]) -> None:
    loop = asyncio.get_running_loop()
    renewed, meter_of = loop.time(), computed.catalog.meter_of
    for account_id in claim.account_ids:
        outcome, result = computed.accounts.get(account_id), results[account_id]
        if outcome is None:
            continue
        result.failures.extend(outcome.failures)
        account = computed.catalog.accounts.get(account_id)
        options = StoreOptions(job_id=job.id, actor=job.created_by,
                               suppress_empty=computed.org.config.suppressed_empty_bills,
                               purchase_order_number=account.purchase_order_number if account else None,
                               meter_of=meter_of)
        for bill in outcome.bills:
            await _store_one(organization_id, bill, options, result)
        if loop.time() - renewed > RENEW_EVERY_SECONDS:
            await claims.renew(organization_id, job.id, claim)
            renewed = loop.time()


async def _store_one(organization_id: uuid.UUID, bill: ComposedBill, options: StoreOptions, result: AccountResult) -> None:
    label = f"{bill.frequency.value} bill of {bill.bill_date}"
    try:
        stored = await store_bill(organization_id, bill, options)
    except Exception as error:  # noqa: BLE001 - this account fails, the run goes on
        log.exception("storing the %s of account %s failed", label, bill.account_id)
        result.failures.append(f"{label}: internal error while storing ({type(error).__name__})")
        return
    if stored.changed:
        result.bill_ids.append(stored.bill_id)
    elif stored.outcome is Outcome.SKIPPED_LOCKED:
        result.notes.append(f"{label}: bill {stored.bill_id} is locked and was not changed")
    elif stored.outcome is Outcome.DELETED:
        result.notes.append(f"{label}: no line items; bill {stored.bill_id} deleted (suppressedEmptyBills)")
