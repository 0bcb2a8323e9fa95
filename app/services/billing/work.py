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
done again). A *transient* error (the database or network failing for a while:
`failures.is_transient`) is no fault of the accounts: `TransientChunkError` is raised
instead and the caller gives the claim back, so the accounts are claimed again; the
bills already stored are recalculated in place then. Reasons stored for clients never
carry an exception's text (`failures.internal_failure`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, replace

from app.domain.billing import ComposedBill
from app.domain.billing.invoice_dates import ExternalInvoiceDate
from app.models.billing import BillJob
from app.services.billing import claims
from app.services.billing.claims import AccountResult, Claim
from app.services.billing.compute import Computed, compose_for_accounts
from app.services.billing.initialize import job_requests
from app.services.billing.job_usage import JobUsage, KnownUsage
from app.services.billing.persist import Outcome, Stored, StoreOptions, store_bill
from app.services.billing.persist_many import store_bills
from app.services.billing.plan_holds import AccountPlanDeleted
from app.services.billing.planning import Loaded
from app.services.failures import internal_failure, is_transient

log = logging.getLogger("metergraph.billing")

RENEW_EVERY_SECONDS = claims.LEASE_SECONDS / 4


class TransientChunkError(RuntimeError):
    """A transient error stopped the chunk; its accounts must be claimed again, not failed."""


@dataclass(frozen=True)
class _StoreFailed:
    reason: str  # safe for clients


async def work_on(
    organization_id: uuid.UUID,
    job: BillJob,
    claim: Claim,
    *,
    loaded: Loaded | None = None,
    usage: KnownUsage | None = None,
) -> dict[uuid.UUID, AccountResult]:
    """`loaded` and `usage`: the organization and catalog of the job's initialization and
    the usage rows it wrote, if at hand."""
    results = {account_id: AccountResult() for account_id in claim.account_ids}
    try:
        requests = await job_requests(organization_id, job, claim.account_ids)
        computed = await compose_for_accounts(
            organization_id,
            requests,
            conversions=job.currency_conversions,
            usage_source=JobUsage(job.id, usage),
            loaded=loaded,
        )
    except Exception as error:  # noqa: BLE001 - see the module docstring
        if is_transient(error):
            raise TransientChunkError from error
        reason = internal_failure(
            log, "could not be loaded", error, about=f"bill job {job.id}, chunk of {len(results)} accounts"
        )
        for result in results.values():
            result.failures.append(reason)
        return results
    await _store_all(organization_id, job, claim, computed, results)
    return results


async def _store_all(
    organization_id: uuid.UUID, job: BillJob, claim: Claim, computed: Computed, results: dict[uuid.UUID, AccountResult]
) -> None:
    bills: list[tuple[ComposedBill, StoreOptions]] = []
    owners: list[uuid.UUID] = []  # the claimed account a bill's outcome counts for (a CHILD bill: its parent)
    meter_of = computed.catalog.meter_of
    for account_id in claim.account_ids:
        outcome = computed.accounts.get(account_id)
        if outcome is None:
            continue
        results[account_id].failures.extend(outcome.failures)
        account = computed.catalog.accounts.get(account_id)
        options = StoreOptions(
            job_id=job.id,
            actor=job.created_by,
            suppress_empty=computed.org.config.suppressed_empty_bills,
            purchase_order_number=account.purchase_order_number if account else None,
            meter_of=meter_of,
            scheduled=job.scheduled,
            invoice_rule=ExternalInvoiceDate(computed.org.config.external_invoice_date),
            invoice_date=job.external_invoice_date,
        )
        bills.extend((bill, _with_redraw(computed, bill, options)) for bill in outcome.bills)
        owners.extend(account_id for _ in outcome.bills)
    # Empty bills to suppress may delete a stored bill: those go bill by bill.
    together = [i for i, (bill, options) in enumerate(bills) if bill.lines or not options.suppress_empty]
    stored: dict[int, Stored | _StoreFailed] = {}
    try:
        stored.update(zip(together, await store_bills(organization_id, [bills[i] for i in together])))
    except Exception:  # noqa: BLE001 - nothing was stored; each bill alone says which one fails
        log.warning(
            "bill job %s: a chunk of %d bills could not be stored together; storing them one by one",
            job.id,
            len(together),
            exc_info=True,
        )
    await _store_each(
        organization_id, job, claim, [(i, *bills[i]) for i in range(len(bills)) if i not in stored], stored
    )
    for i, (bill, _) in enumerate(bills):
        _record_outcome(bill, stored[i], results[owners[i]])


def _with_redraw(computed: Computed, bill: ComposedBill, options: StoreOptions) -> StoreOptions:
    redraw = computed.redraws.get((bill.account_id, bill.bill_date, bill.frequency.value))
    return replace(options, redraw=redraw) if redraw is not None and redraw.bill is bill else options


async def _store_each(
    organization_id: uuid.UUID,
    job: BillJob,
    claim: Claim,
    bills: list[tuple[int, ComposedBill, StoreOptions]],
    stored: dict[int, Stored | _StoreFailed],
) -> None:
    """Each bill in its own transaction; the lease on the chunk is renewed meanwhile."""
    loop = asyncio.get_running_loop()
    renewed = loop.time()
    for i, bill, options in bills:
        try:
            stored[i] = await store_bill(organization_id, bill, options)
        except AccountPlanDeleted as gone:
            stored[i] = _StoreFailed(str(gone))
        except Exception as error:  # noqa: BLE001 - this account fails, the run goes on
            if is_transient(error):
                raise TransientChunkError from error
            stored[i] = _StoreFailed(
                internal_failure(
                    log,
                    "could not be stored",
                    error,
                    about=f"{bill.frequency.value} bill of {bill.bill_date} of account {bill.account_id}",
                )
            )
        if loop.time() - renewed > RENEW_EVERY_SECONDS:
            await claims.renew(organization_id, job.id, claim)
            renewed = loop.time()


def _record_outcome(bill: ComposedBill, stored: Stored | _StoreFailed, result: AccountResult) -> None:
    label = f"{bill.frequency.value} bill of {bill.bill_date}"
    if isinstance(stored, _StoreFailed):
        result.failures.append(f"{label}: {stored.reason}")
    elif stored.changed and stored.bill_id is not None:  # a changed bill has its id
        result.bill_ids.append(stored.bill_id)
    elif stored.outcome is Outcome.SKIPPED_LOCKED and stored.bill_id is None:
        result.notes.append(f"{label}: inside the bill lock date's range; no bill made")
    elif stored.outcome is Outcome.SKIPPED_LOCKED:
        result.notes.append(f"{label}: bill {stored.bill_id} is locked and was not changed")
    elif stored.outcome is Outcome.DELETED:
        result.notes.append(f"{label}: no line items; bill {stored.bill_id} deleted (suppressedEmptyBills)")
