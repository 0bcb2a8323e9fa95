"""One chunk of a bill job: the bills of the claimed accounts, composed and stored.

What each account is billed for: CREATE asks for the job's bill date at the job's
frequency (or every frequency billing that day); RECALCULATE asks for exactly the
(bill date, frequency) of each of the job's bills of that account (`job_requests`). The
accounts are composed together (set-based loading, usage from the job's own rows), then
their bills are stored together in one transaction (`persist_many`); if that fails, or
for an empty bill to suppress, each bill is stored in its own transaction in account
order, the lease on the chunk renewed while that goes on.

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

from app.domain.billing import ComposedBill
from app.models.billing import BillJob
from app.services.billing import claims
from app.services.billing.claims import AccountResult, Claim
from app.services.billing.compute import Computed, compose_for_accounts
from app.services.billing.initialize import job_requests
from app.services.billing.job_usage import JobUsage
from app.services.billing.persist import Outcome, Stored, StoreOptions, store_bill
from app.services.billing.persist_many import store_bills

log = logging.getLogger("metergraph.billing")

RENEW_EVERY_SECONDS = claims.LEASE_SECONDS / 4


async def work_on(organization_id: uuid.UUID, job: BillJob, claim: Claim) -> dict[uuid.UUID, AccountResult]:
    results = {account_id: AccountResult() for account_id in claim.account_ids}
    try:
        requests = await job_requests(organization_id, job, claim.account_ids)
        computed = await compose_for_accounts(organization_id, requests, conversions=job.currency_conversions,
                                              usage_source=JobUsage(job.id))
    except Exception as error:  # noqa: BLE001 - see the module docstring
        log.exception("bill job %s: a chunk of %d accounts could not be loaded", job.id, len(results))
        for result in results.values():
            result.failures.append(f"internal error while loading: {type(error).__name__}")
        return results
    await _store_all(organization_id, job, claim, computed, results)
    return results


async def _store_all(organization_id: uuid.UUID, job: BillJob, claim: Claim, computed: Computed,
                     results: dict[uuid.UUID, AccountResult]) -> None:
    bills: list[tuple[ComposedBill, StoreOptions]] = []
    owners: list[uuid.UUID] = []  # the claimed account a bill's outcome counts for (a CHILD bill: its parent)
    meter_of = computed.catalog.meter_of
    for account_id in claim.account_ids:
        outcome = computed.accounts.get(account_id)
        if outcome is None:
            continue
        results[account_id].failures.extend(outcome.failures)
        account = computed.catalog.accounts.get(account_id)
        options = StoreOptions(job_id=job.id, actor=job.created_by,
                               suppress_empty=computed.org.config.suppressed_empty_bills,
                               purchase_order_number=account.purchase_order_number if account else None,
                               meter_of=meter_of)
        bills.extend((bill, options) for bill in outcome.bills)
        owners.extend(account_id for _ in outcome.bills)
    # Empty bills to suppress may delete a stored bill: those go bill by bill.
    together = [i for i, (bill, options) in enumerate(bills) if bill.lines or not options.suppress_empty]
    stored: dict[int, Stored | BaseException] = {}
    try:
        stored.update(zip(together, await store_bills(organization_id, [bills[i] for i in together])))
    except Exception:  # noqa: BLE001 - nothing was stored; each bill alone says which one fails
        log.warning("bill job %s: a chunk of %d bills could not be stored together; storing them one by one",
                    job.id, len(together), exc_info=True)
    await _store_each(organization_id, job, claim, [(i, *bills[i]) for i in range(len(bills)) if i not in stored], stored)
    for i, (bill, _) in enumerate(bills):
        _record_outcome(bill, stored[i], results[owners[i]])


async def _store_each(organization_id: uuid.UUID, job: BillJob, claim: Claim,
                      bills: list[tuple[int, ComposedBill, StoreOptions]], stored: dict[int, Stored | BaseException]) -> None:
    """Each bill in its own transaction; the lease on the chunk is renewed meanwhile."""
    loop = asyncio.get_running_loop()
    renewed = loop.time()
    for i, bill, options in bills:
        try:
            stored[i] = await store_bill(organization_id, bill, options)
        except Exception as error:  # noqa: BLE001 - this account fails, the run goes on
            log.exception("storing the %s bill of %s of account %s failed", bill.frequency.value, bill.bill_date,
                          bill.account_id)
            stored[i] = error
        if loop.time() - renewed > RENEW_EVERY_SECONDS:
            await claims.renew(organization_id, job.id, claim)
            renewed = loop.time()


def _record_outcome(bill: ComposedBill, stored: Stored | BaseException, result: AccountResult) -> None:
    label = f"{bill.frequency.value} bill of {bill.bill_date}"
    if isinstance(stored, BaseException):
        result.failures.append(f"{label}: internal error while storing ({type(stored).__name__})")
    elif stored.changed:
        result.bill_ids.append(stored.bill_id)
    elif stored.outcome is Outcome.SKIPPED_LOCKED:
        result.notes.append(f"{label}: bill {stored.bill_id} is locked and was not changed")
    elif stored.outcome is Outcome.DELETED:
        result.notes.append(f"{label}: no line items; bill {stored.bill_id} deleted (suppressedEmptyBills)")
