"""Composing the bills of a set of accounts, nothing stored: shared by bill jobs and preview.

For a chunk of accounts: load snapshots (bounded number of queries), list every usage
window of every bill (`plan_bills`, also what a bill job aggregates up front), read usage
set-based (from the measurements, or from a job's own aggregated usage), load
tiersSpanPlan history and the accounts' commitments with their stored draws
(`commitments`), then compose each bill with the pure domain, commitment steps appended
(fees on one bill per account and day: the first frequency composed; every bill draws
down, an account's bills in bill-date order, each seeing what the others drew). A bill that cannot
be composed is a failure of that account with its reason; the other accounts are
unaffected (SEMANTICS §7.2 item 6, §7.4).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from app.domain.billing import (
    DEFAULT_STEPS,
    AccountPlanSnapshot,
    BillFailure,
    ComposedBill,
    UsageWindow,
    bills_on,
    compose_bill,
    usage_windows,
)
from app.domain.billing.children import CHILD_BILL_STEPS, breakdown_step
from app.domain.billing.commitments import (
    CommitmentSnapshot,
    ad_hoc_fee_lines,
    commitment_steps,
    drawn_amounts,
    fee_dates_between,
)
from app.domain.billing.snapshots import CurrencyInfo
from app.domain.periods import BillFrequency
from app.models.catalog import Aggregation
from app.services.billing.children import Blocks, child_snapshot, fetch_block_usage, find_blocks
from app.services.billing.commitments import load_commitments, load_draws
from app.services.billing.draws import Redraw
from app.services.billing.merge import merge_same_key
from app.services.billing.previous import load_history, previous_units
from app.services.billing.snapshots import Catalog, Organization, load_catalog, load_organization
from app.services.billing.window_usage import UsageByAccount, fetch_usage
from app.services.failures import internal_failure

log = logging.getLogger("metergraph.billing")


@dataclass(frozen=True)
class BillRequest:
    """A bill asked for: at `bill_date`, at `frequency` (None: every frequency with an
    account plan billing that day). `required`: compose it even when no account plan
    bills then, so that the failure says why (recalculation of an existing bill)."""

    bill_date: date
    frequency: BillFrequency | None = None
    required: bool = False
    # False: only the AD_HOC fee bill of that day, no plan bill (recalculating an AD_HOC bill).
    plan_bills: bool = True


class AdHoc(str, Enum):
    """The `frequency` of a ComposedBill carrying only commitment fees (SEMANTICS §7.2
    item 4): stored as billing_frequency "AD_HOC". Kept out of the domain's BillFrequency,
    whose members are the plan frequencies the domain iterates over."""

    AD_HOC = "AD_HOC"


def has_fee_on(commitments: Iterable[CommitmentSnapshot], day: date, org: Organization) -> bool:
    """Whether one of the commitments has a fee dated `day`."""
    for commitment in commitments:
        # A missing currency: any places will do to find the date; composing then fails and says why.
        currency = org.context.currencies.get(commitment.currency) or CurrencyInfo(commitment.currency)
        if fee_dates_between(commitment, day, day + timedelta(days=1), currency):
            return True
    return False


def has_plan_bill_on(account_plans: Sequence[AccountPlanSnapshot], day: date, org: Organization) -> bool:
    """Whether an account plan bills on `day` at any frequency (the fee then goes on that bill)."""
    return bool(billing_frequencies(account_plans, BillRequest(day), org))


@dataclass
class AccountBills:
    account_id: uuid.UUID
    bills: list[ComposedBill] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Computed:
    org: Organization
    catalog: Catalog
    accounts: dict[uuid.UUID, AccountBills]
    # The bills that draw on commitments, by (account, bill date, frequency value): how to
    # compose them again when the draws are settled in the storing transaction.
    redraws: dict[tuple[uuid.UUID, date, str], Redraw] = field(default_factory=dict)


def billing_frequencies(
    account_plans: Sequence[AccountPlanSnapshot], request: BillRequest, org: Organization
) -> list[BillFrequency]:
    """The frequencies of the bills a request asks for, in a stable order."""
    if request.required and request.frequency is not None:
        return [request.frequency]
    wanted = [request.frequency] if request.frequency is not None else list(BillFrequency)
    tz = org.context.timezone
    return [f for f in wanted if any(bills_on(ap, request.bill_date, f, tz) for ap in account_plans)]


@dataclass(frozen=True)
class Planned:
    """The bills a set of requests asks for, before any usage is read: the account plans
    of each (account, bill date, frequency) and every usage window each account needs."""

    org: Organization
    catalog: Catalog
    plans: dict[tuple[uuid.UUID, date, BillFrequency], tuple[AccountPlanSnapshot, ...]]
    needs: dict[uuid.UUID, list[UsageWindow]]
    # Parent/child (SEMANTICS §7.3): the blocks of the account plans billed, and the
    # windows each block's accounts are read for together (key: the block's account ids).
    blocks: Blocks = field(default_factory=lambda: Blocks({}, {}))
    block_needs: dict[tuple[uuid.UUID, ...], list[UsageWindow]] = field(default_factory=dict)


# Reads the raw usage of the windows each account needs (`fetch_usage`'s signature).
UsageSource = Callable[
    [uuid.UUID, Mapping[uuid.UUID, Aggregation], Mapping[uuid.UUID, Sequence[UsageWindow]]], Awaitable[UsageByAccount]
]


async def plan_bills(
    organization_id: uuid.UUID,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    *,
    conversions: Sequence[Mapping] | None = None,
) -> Planned:
    org = await load_organization(organization_id, conversions)
    dates = {r.bill_date for rs in requests.values() for r in rs}
    if not dates:
        return Planned(org, Catalog({}, {}, {}), {}, {})
    catalog = await load_catalog(organization_id, org, list(requests), dates)
    plans = {
        (a, d, f): catalog.account_plans.get(a, ())
        for a, rs in requests.items()
        for r in rs
        for d, f in _targets(catalog, a, r, org)
    }
    needs: dict[uuid.UUID, list[UsageWindow]] = {}
    for (account_id, _, _), windows in _windows(plans, org).items():
        needs.setdefault(account_id, []).extend(windows)
    blocks = await find_blocks(organization_id, catalog.accounts, catalog.account_plans)
    block_needs: dict[tuple[uuid.UUID, ...], list[UsageWindow]] = {}
    for (account_id, bill_date, frequency), account_plans in plans.items():
        for placement in blocks.of(account_plans):
            windows = _plan_windows(account_plans, placement.block.account_plan_id, bill_date, frequency, org)
            members = (*placement.block.children, *placement.own_bills)
            for member in members:
                needs.setdefault(member.account_id, []).extend(w for w in windows if w not in needs[member.account_id])
            if placement.block.children:
                block_needs.setdefault(placement.block.account_ids, []).extend(windows)
    return Planned(org, catalog, plans, needs, blocks, block_needs)


def _plan_windows(
    account_plans: Sequence[AccountPlanSnapshot],
    account_plan_id: uuid.UUID,
    bill_date: date,
    frequency: BillFrequency,
    org: Organization,
) -> tuple[UsageWindow, ...]:
    chosen = [ap for ap in account_plans if ap.id == account_plan_id]
    try:
        return usage_windows(chosen, bill_date, frequency, org.context.timezone)
    except Exception:  # noqa: BLE001 - composing the parent's bill fails and says why
        return ()


async def compose_for_accounts(
    organization_id: uuid.UUID,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    *,
    conversions: Sequence[Mapping] | None = None,
    usage_source: UsageSource | None = None,
) -> Computed:
    """`usage_source` (default: `fetch_usage`, the measurements themselves) reads the usage.

    A required request (recalculation) of a child's bill that no account plan of the
    child makes is a CHILD-mode bill (SEMANTICS §7.3): it is recomputed through its
    parent's bill of that date and frequency, and only the child's bills are kept (the
    parent's, unless asked for too, are not returned, so not stored)."""
    planned = await plan_bills(organization_id, requests, conversions=conversions)
    redirected = _child_mode_requests(planned, requests)
    companions = _companion_requests(planned, requests)
    if not redirected and not companions:
        computed = await _compose(organization_id, planned, requests, usage_source)
        merge_same_key(computed.accounts, set(planned.blocks.placements), computed.redraws)
        return computed
    asked = {(a, d, f) for a, d, f in planned.plans}  # the bills asked for before widening
    widened: dict[uuid.UUID, list[BillRequest]] = {a: list(rs) for a, rs in requests.items()}
    for (child_id, parent_id), moved in redirected.items():
        widened[child_id] = [r for r in widened[child_id] if r not in moved]
        widened.setdefault(parent_id, []).extend(BillRequest(r.bill_date, r.frequency) for r in moved)
    for account_id, extra in companions.items():
        mine = widened.setdefault(account_id, [])
        mine.extend(r for r in extra if r not in mine)
    planned = await plan_bills(organization_id, widened, conversions=conversions)
    computed = await _compose(organization_id, planned, widened, usage_source)
    results = computed.accounts
    wanted_through_parent = {(c, r.bill_date, r.frequency) for (c, _), moved in redirected.items() for r in moved}
    extracted = _extract_companion_bills(planned, requests, results, wanted_through_parent)
    for (child_id, parent_id), moved in redirected.items():
        parent, child = results[parent_id], results[child_id]
        wanted = {(r.bill_date, r.frequency) for r in moved}
        mine = [b for b in parent.bills if b.account_id == child_id and (b.bill_date, b.frequency) in wanted]
        # Only what was asked for stays with the parent: not the bills the widening added.
        parent.bills = [
            b
            for b in parent.bills
            if not any(b is m for m in mine)
            and ((parent_id, b.bill_date, b.frequency) in asked or b.frequency is AdHoc.AD_HOC)
        ]
        child.bills.extend(mine)
        if parent_id not in requests:
            child.failures.extend(f"through parent: {f}" for f in parent.failures)
        found = {(b.bill_date, b.frequency) for b in mine}
        child.failures.extend(
            f"{f.value} bill of {d}: no CHILD-mode bill of the parent's account plans"
            for d, f in sorted(wanted - found, key=lambda k: (k[0], k[1].value))
        )
    for account_id in set(results) - set(requests):
        results.pop(account_id, None)
    for owner, bills in extracted.items():
        results[owner].bills.extend(bills)
    merge_same_key(results, set(planned.blocks.placements), computed.redraws)
    return computed


# --- one bill per (account, bill date, frequency) (SEMANTICS §7.1) -------------------------
#
# A child account can have two parts of one bill: its own account plans' bill and a
# CHILD-mode bill under its parent's account plan of another product (§7.3). Both are
# composed (each needs the other's side: the parent's block, or the child's own plans,
# so whichever of them is asked for, the other is composed too: `_companion_requests`),
# then merged into ONE bill (`merge.merge_bills`). **Decision**: the CHILD-mode part is
# composed without commitment steps (`CHILD_BILL_STEPS`), the own-plan part with them, so
# the commitment drawdown of the merged bill sees only the child's own-plan lines.


def _companion_requests(
    planned: Planned, requests: Mapping[uuid.UUID, Sequence[BillRequest]]
) -> dict[uuid.UUID, list[BillRequest]]:
    """The accounts not asked for whose bills complete one asked for: a child's parent
    (the CHILD-mode part of the child's bill), a CHILD-mode child's own plans (the
    other part of the CHILD bill the parent's bill job composes)."""
    found: dict[uuid.UUID, list[BillRequest]] = {}
    for account_id, account_requests in requests.items():
        account = planned.catalog.accounts.get(account_id)
        parent_id = account.parent_account_id if account is not None else None
        if parent_id is None or parent_id in requests:
            continue
        extra = found.setdefault(parent_id, [])
        extra.extend(
            r
            for r in (BillRequest(q.bill_date, q.frequency) for q in account_requests if q.plan_bills)
            if r not in extra
        )
    for (account_id, bill_date, frequency), account_plans in planned.plans.items():
        for placement in planned.blocks.of(account_plans):
            for member in placement.own_bills:
                if member.account_id in requests:
                    continue
                extra = found.setdefault(member.account_id, [])
                if (r := BillRequest(bill_date, frequency)) not in extra:
                    extra.append(r)
    return {a: rs for a, rs in found.items() if rs}


def _asks_for(bill: ComposedBill, account_requests: Sequence[BillRequest]) -> bool:
    return any(
        r.plan_bills and r.bill_date == bill.bill_date and r.frequency in (None, bill.frequency)
        for r in account_requests
    )


def _extract_companion_bills(
    planned: Planned,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    results: dict[uuid.UUID, AccountBills],
    through_parent: set,
) -> dict[uuid.UUID, list[ComposedBill]]:
    """From the outcomes of the accounts composed only as companions: the bills that are
    part of a bill asked for, per the asked-for account they go with (a child's own
    CHILD-mode part; a companion child's own-plan part goes with its parent's outcome,
    and only where the parent's outcome has that child's CHILD-mode part to merge)."""
    extracted: dict[uuid.UUID, list[ComposedBill]] = {}
    for account_id, outcome in results.items():
        if account_id in requests:
            continue
        account = planned.catalog.accounts.get(account_id)
        parent_id = account.parent_account_id if account is not None else None
        for bill in outcome.bills:
            key = (bill.account_id, bill.bill_date, bill.frequency)
            if (
                bill.account_id != account_id
                and bill.account_id in requests
                and key not in through_parent
                and _asks_for(bill, requests[bill.account_id])
            ):
                extracted.setdefault(bill.account_id, []).append(bill)
            elif (
                bill.account_id == account_id
                and parent_id in requests
                and any((b.account_id, b.bill_date, b.frequency) == key for b in results[parent_id].bills)
            ):
                extracted.setdefault(parent_id, []).append(bill)
        code = account.code if account is not None else str(account_id)
        if parent_id in requests:
            results[parent_id].failures.extend(f"child {code}: {f}" for f in outcome.failures)
        for child_id in requests:
            child = planned.catalog.accounts.get(child_id)
            if child is not None and child.parent_account_id == account_id:
                tag = f" of child {child.code}:"
                results[child_id].failures.extend(
                    f"through parent: {f}"
                    for f in outcome.failures
                    if tag in f and f"through parent: {f}" not in results[child_id].failures
                )
    return extracted


def _child_mode_requests(
    planned: Planned, requests: Mapping[uuid.UUID, Sequence[BillRequest]]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[BillRequest]]:
    """(child, parent) → the child's required requests no account plan of its own makes."""
    found: dict[tuple[uuid.UUID, uuid.UUID], list[BillRequest]] = {}
    tz = planned.org.context.timezone
    for account_id, account_requests in requests.items():
        account = planned.catalog.accounts.get(account_id)
        if account is None or account.parent_account_id is None:
            continue
        own = planned.catalog.account_plans.get(account_id, ())
        for r in account_requests:
            if (
                r.required
                and r.plan_bills
                and r.frequency is not None
                and not any(bills_on(ap, r.bill_date, r.frequency, tz) for ap in own)
            ):
                found.setdefault((account_id, account.parent_account_id), []).append(r)
    return found


async def _compose(
    organization_id: uuid.UUID,
    planned: Planned,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    usage_source: UsageSource | None,
) -> Computed:
    org, catalog = planned.org, planned.catalog
    if not any(requests.values()):
        return Computed(org, catalog, {})
    usage = await (usage_source or fetch_usage)(organization_id, catalog.aggregations, planned.needs)
    block_usage = await fetch_block_usage(organization_id, catalog.aggregations, planned.block_needs)
    history = await load_history(organization_id, (ap for aps in catalog.account_plans.values() for ap in aps))
    commitments = await load_commitments(
        organization_id,
        catalog.accounts,
        catalog.account_plans,
        org.epochs(),
        org.config.commitment_fee_bill_in_advance,
    )
    draws = await load_draws(organization_id, [c.id for cs in commitments.values() for c in cs])
    results = {a: AccountBills(a) for a in requests}
    redraws: dict[tuple[uuid.UUID, date, str], Redraw] = {}
    with_fees: set[tuple[uuid.UUID, date]] = set()
    # Bill date, then frequency: an account's bills draw first come, first served in this order.
    order = sorted(planned.plans, key=lambda k: (str(k[0]), k[1], list(BillFrequency).index(k[2])))
    for account_id, bill_date, frequency in order:
        account_plans = planned.plans[(account_id, bill_date, frequency)]
        outcome = results[account_id]
        if account_id not in catalog.accounts:
            outcome.failures.append(f"account {account_id} does not exist")
            continue
        key = (bill_date, frequency.value)
        own = draws.before(commitments.get(account_id, ()), key)
        # Fees go on one bill of the day (decision: the first frequency composed that day).
        fees = (account_id, bill_date) not in with_fees
        placements = planned.blocks.of(account_plans)
        bill_usage, block_steps = _block_usage(
            planned, placements, account_id, bill_date, frequency, usage, block_usage
        )
        try:
            compose = _composer(
                catalog.account_snapshot(account_id, org),
                account_plans,
                bill_date,
                frequency,
                org.context,
                bill_usage,
                previous_units(history, account_plans, bill_date, org.context.timezone),
                block_steps,
                fees,
            )
            bill = compose(own)
        except BillFailure as failure:
            outcome.failures.append(f"{frequency.value} bill of {bill_date}: {failure.reason}")
            continue
        except Exception as error:  # noqa: BLE001 - one account's bad data must not stop the run
            outcome.failures.append(
                internal_failure(log, f"{frequency.value} bill of {bill_date}", error, about=f"account {account_id}")
            )
            continue
        outcome.bills.append(bill)
        _child_bills(planned, placements, account_plans, bill_date, frequency, usage, outcome)
        if own:
            draws.record(own, key, drawn_amounts(bill))
            with_fees.add((account_id, bill_date))
            redraws[(account_id, bill_date, frequency.value)] = Redraw(own, compose, bill)
    _ad_hoc_bills(planned, requests, commitments, results)
    return Computed(org, catalog, results, redraws)


def _composer(
    account,
    account_plans: Sequence[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    context,
    usage,
    previous,
    block_steps: tuple,
    fees: bool,
) -> Callable[[tuple[CommitmentSnapshot, ...]], ComposedBill]:
    """The bill's composition as a pure function of its commitments as it sees them."""

    def compose(commitments: tuple[CommitmentSnapshot, ...]) -> ComposedBill:
        extra = commitment_steps(commitments, fees=fees) if commitments else ()
        return compose_bill(
            account,
            account_plans,
            bill_date,
            frequency,
            context,
            usage,
            previous,
            steps=DEFAULT_STEPS + block_steps + extra,
        )

    return compose


def _ad_hoc_bills(
    planned: Planned,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    commitments: Mapping[uuid.UUID, Sequence[CommitmentSnapshot]],
    results: dict[uuid.UUID, AccountBills],
) -> None:
    """AD_HOC bills (SEMANTICS §7.2 item 4): for each requested day on which the account has
    a commitment fee and no other bill (no account plan billing that day at any frequency,
    nor a bill planned for it here), a bill of the fee lines alone. **Decisions**: its
    period is empty, start = end = the bill date (each fee line carries its own service
    period); due date = bill date + daysBeforeBillDue; it draws nothing."""
    org, catalog = planned.org, planned.catalog
    planned_days = {(a, d) for a, d, _ in planned.plans}
    for account_id, account_requests in requests.items():
        own = commitments.get(account_id, ())
        if not own or account_id not in catalog.accounts:
            continue
        for day in sorted({r.bill_date for r in account_requests}):
            if (
                (account_id, day) in planned_days
                or not has_fee_on(own, day, org)
                or has_plan_bill_on(catalog.account_plans.get(account_id, ()), day, org)
            ):
                continue
            account = catalog.account_snapshot(account_id, org)
            try:
                lines = ad_hoc_fee_lines(account, own, day, org.context)
            except BillFailure as failure:
                results[account_id].failures.append(f"{AdHoc.AD_HOC.value} bill of {day}: {failure.reason}")
                continue
            if not lines:
                continue
            results[account_id].bills.append(
                ComposedBill(
                    account_id=account_id,
                    account_code=account.code,
                    bill_date=day,
                    due_date=day + timedelta(days=account.days_before_bill_due),
                    frequency=AdHoc.AD_HOC,
                    start=day,
                    end=day,
                    last_date_in_billing_period=day - timedelta(days=1),
                    currency=account.currency,
                    account_plan_ids=(),
                    lines=lines,
                    total=sum((li.converted_subtotal for li in lines), Decimal(0)),
                )
            )


def _block_usage(
    planned: Planned,
    placements,
    account_id: uuid.UUID,
    bill_date: date,
    frequency: BillFrequency,
    usage: UsageByAccount,
    block_usage,
) -> tuple[Mapping[UsageWindow, object], tuple]:
    """The parent's usage with each block's windows read over the block's accounts
    together, and the breakdown step splitting PARENT_BREAKDOWN block lines."""
    own = usage.get(account_id, {})
    blocks = [p.block for p in placements if p.block.children]
    if not blocks:
        return own, ()
    combined = dict(own)
    member_usage = {account_id: own}
    account_plans = planned.plans[(account_id, bill_date, frequency)]
    for block in blocks:
        together = block_usage.get(block.account_ids, {})
        for window in _plan_windows(account_plans, block.account_plan_id, bill_date, frequency, planned.org):
            if window in together:
                combined[window] = together[window]
            else:
                combined.pop(window, None)
        for member in block.children:
            member_usage[member.account_id] = usage.get(member.account_id, {})
    return combined, (breakdown_step(blocks, member_usage),)


def _child_bills(
    planned: Planned,
    placements,
    account_plans: Sequence[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    usage: UsageByAccount,
    outcome: AccountBills,
) -> None:
    """CHILD mode: each child without its own plan gets a bill under the parent's account
    plan, its own usage alone (`CHILD_BILL_STEPS`); it goes with the parent's outcome."""
    for placement in placements:
        chosen = [ap for ap in account_plans if ap.id == placement.block.account_plan_id]
        for member in placement.own_bills:
            child = planned.blocks.children[member.account_id]
            try:
                outcome.bills.append(
                    compose_bill(
                        child_snapshot(child, planned.org.config),
                        chosen,
                        bill_date,
                        frequency,
                        planned.org.context,
                        usage.get(member.account_id, {}),
                        steps=CHILD_BILL_STEPS,
                    )
                )
            except BillFailure as failure:
                outcome.failures.append(
                    f"{frequency.value} bill of {bill_date} of child {child.code}: {failure.reason}"
                )


def _targets(
    catalog: Catalog, account_id: uuid.UUID, request: BillRequest, org: Organization
) -> list[tuple[date, BillFrequency]]:
    if not request.plan_bills:
        return []
    account_plans = catalog.account_plans.get(account_id, ())
    return [(request.bill_date, f) for f in billing_frequencies(account_plans, request, org)]


def _windows(
    plans: Mapping[tuple[uuid.UUID, date, BillFrequency], Sequence[AccountPlanSnapshot]], org: Organization
) -> dict[tuple[uuid.UUID, date, BillFrequency], tuple[UsageWindow, ...]]:
    windows = {}
    for key, account_plans in plans.items():
        try:
            windows[key] = usage_windows(account_plans, key[1], key[2], org.context.timezone)
        except Exception:  # noqa: BLE001 - composing the same bill fails again and says why
            windows[key] = ()
    return windows
