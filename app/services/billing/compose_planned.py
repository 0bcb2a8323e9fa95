"""Composing planned bills with the pure domain: usage read, commitments drawn, failures kept.

For planned bills (`planning.plan_bills`): read usage set-based (from the measurements,
or from a job's own aggregated usage), tiersSpanPlan history and the accounts'
commitments with their stored draws, then compose each bill, commitment steps appended
(fees on one bill per account and day: the first frequency composed; every bill draws
down, an account's bills in bill-date order, each seeing what the others drew). A bill
that cannot be composed is a failure of that account with its reason; the other
accounts are unaffected (SEMANTICS §7.2 item 6, §7.4). Parent/child blocks: a block's
windows are read over its accounts together, and CHILD-mode children get their bills
under the parent's account plan.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from app.domain.billing import (
    DEFAULT_STEPS,
    AccountPlanSnapshot,
    BillFailure,
    ComposedBill,
    UsageWindow,
    compose_bill,
)
from app.domain.billing.balances_steps import CreditSources, credit_steps
from app.domain.billing.charges import ChargeSnapshot
from app.domain.billing.children import CHILD_BILL_STEPS, breakdown_step
from app.domain.billing.commitments import CommitmentSnapshot, drawn_amounts
from app.domain.billing.counters import with_counter_step
from app.domain.billing.counters_values import NO_COUNTERS, Counters
from app.domain.billing.plan_group_tags import member_tags_step
from app.domain.periods import BillFrequency
from app.services.balances.ad_hoc import draw_ad_hoc_bills
from app.services.balances.billing import (
    AccountBalances,
    BalanceDraws,
    bill_sources,
    load_balance_inputs,
    record_balance_draws,
)
from app.services.billing.ad_hoc_bills import compose_ad_hoc_bills
from app.services.billing.children import child_snapshot, fetch_block_usage
from app.services.billing.commitments import Draws, load_commitments, load_draws
from app.services.billing.draws import Redraw
from app.services.billing.planning import (
    AccountBills,
    BillRequest,
    Computed,
    Planned,
    UsageSource,
    plan_windows,
)
from app.services.billing.previous import History, load_history, previous_units
from app.services.billing.window_usage import UsageByAccount, fetch_usage
from app.services.charges.billing import charge_steps, load_charges
from app.services.counters.billing import load_counters
from app.services.failures import internal_failure
from app.services.plan_groups.billing import group_steps

log = logging.getLogger("metergraph.billing")


@dataclass(frozen=True)
class _Inputs:
    """What composing the planned bills reads, each with a bounded number of queries."""

    usage: UsageByAccount
    block_usage: Mapping[tuple[uuid.UUID, ...], Mapping[UsageWindow, Decimal | None]]
    history: History
    commitments: Mapping[uuid.UUID, Sequence[CommitmentSnapshot]]
    draws: Draws
    charges: Mapping[uuid.UUID, Sequence[ChargeSnapshot]] = field(default_factory=dict)  # of the days asked for
    counters: Counters = NO_COUNTERS  # counter pricings and adjustments (SEMANTICS §8)
    balances: Mapping[uuid.UUID, AccountBalances] = field(default_factory=dict)  # with the credit order (§11)
    balance_draws: BalanceDraws | None = None


async def _load_inputs(organization_id: uuid.UUID, planned: Planned, usage_source: UsageSource | None) -> _Inputs:
    org, catalog = planned.org, planned.catalog
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
    return _Inputs(usage, block_usage, history, commitments, draws)


async def compose_planned(
    organization_id: uuid.UUID,
    planned: Planned,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    usage_source: UsageSource | None,
) -> Computed:
    org, catalog = planned.org, planned.catalog
    if not any(requests.values()):
        return Computed(org, catalog, {})
    inputs = await _load_inputs(organization_id, planned, usage_source)
    inputs = replace(inputs, charges=await load_charges(organization_id, requests))
    inputs = replace(inputs, counters=await load_counters(organization_id, catalog.account_plans))
    balances, balance_draws = await load_balance_inputs(
        organization_id, catalog.accounts, org.config.credit_application_order, org.context.timezone
    )
    inputs = replace(inputs, balances=balances, balance_draws=balance_draws)
    results = {a: AccountBills(a) for a in requests}
    redraws: dict[tuple[uuid.UUID, date, str], Redraw] = {}
    with_fees: set[tuple[uuid.UUID, date]] = set()
    # Bill date, then frequency: an account's bills draw first come, first served in this order.
    order = sorted(planned.plans, key=lambda k: (str(k[0]), k[1], list(BillFrequency).index(k[2])))
    for account_id, bill_date, frequency in order:
        outcome = results[account_id]
        if account_id not in catalog.accounts:
            outcome.failures.append(f"account {account_id} does not exist")
            continue
        key = (bill_date, frequency.value)
        own = bill_sources(
            inputs.draws.before(inputs.commitments.get(account_id, ()), key),
            inputs.balances.get(account_id),
            inputs.balance_draws,
            key,
        )
        # Fees go on one bill of the day (decision: the first frequency composed that day).
        composed = _compose_one(planned, inputs, (account_id, bill_date, frequency), own, outcome, with_fees)
        if composed is not None and own:
            bill, compose = composed
            inputs.draws.record(own.commitments, key, drawn_amounts(bill))
            record_balance_draws(inputs.balance_draws, own, key, bill)
            with_fees.add((account_id, bill_date))
            redraws[(account_id, bill_date, frequency.value)] = Redraw(own, compose, bill)
    compose_ad_hoc_bills(planned, requests, inputs.commitments, inputs.charges, results)
    draw_ad_hoc_bills(
        org.context, lambda a: catalog.account_snapshot(a, org), results, inputs.balances, inputs.balance_draws, redraws
    )
    return Computed(org, catalog, results, redraws)


def _compose_one(
    planned: Planned,
    inputs: _Inputs,
    bill_key: tuple[uuid.UUID, date, BillFrequency],
    own: CreditSources,
    outcome: AccountBills,
    with_fees: set[tuple[uuid.UUID, date]],
) -> tuple[ComposedBill, Callable[[CreditSources], ComposedBill]] | None:
    """One bill (and its CHILD-mode children's) into `outcome`, or its failure; the bill
    and how to compose it again when its draws are settled."""
    org = planned.org
    account_id, bill_date, frequency = bill_key
    account_plans = planned.plans[bill_key]
    placements = planned.blocks.of(account_plans)
    bill_usage, block_steps = _block_usage(
        planned, placements, account_id, bill_date, frequency, inputs.usage, inputs.block_usage
    )
    try:
        compose = _composer(
            planned.catalog.account_snapshot(account_id, org),
            account_plans,
            bill_date,
            frequency,
            org.context,
            bill_usage,
            previous_units(inputs.history, account_plans, bill_date, org.context.timezone),
            block_steps
            + charge_steps(inputs.charges, planned.catalog.account_plans, org, bill_key)
            + group_steps(planned.catalog.groups),
            (account_id, bill_date) not in with_fees,
            counters=inputs.counters,
        )
        bill = compose(own)
    except BillFailure as failure:
        outcome.failures.append(f"{frequency.value} bill of {bill_date}: {failure.reason}")
        return None
    except Exception as error:  # noqa: BLE001 - one account's bad data must not stop the run
        outcome.failures.append(
            internal_failure(log, f"{frequency.value} bill of {bill_date}", error, about=f"account {account_id}")
        )
        return None
    outcome.bills.append(bill)
    _child_bills(planned, placements, account_plans, bill_date, frequency, inputs.usage, outcome)
    return bill, compose


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
    *,
    counters: Counters = NO_COUNTERS,
) -> Callable[[CreditSources], ComposedBill]:
    """The bill's composition as a pure function of its credit sources as it sees them."""

    def compose(sources: CreditSources) -> ComposedBill:
        extra = credit_steps(sources, fees=fees)
        return compose_bill(
            account,
            account_plans,
            bill_date,
            frequency,
            context,
            usage,
            previous,
            steps=with_counter_step(DEFAULT_STEPS, counters) + block_steps + extra,
        )

    return compose


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
        for window in plan_windows(account_plans, block.account_plan_id, bill_date, frequency, planned.org):
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
                        steps=CHILD_BILL_STEPS + member_tags_step(planned.catalog.groups),
                    )
                )
            except BillFailure as failure:
                outcome.failures.append(
                    f"{frequency.value} bill of {bill_date} of child {child.code}: {failure.reason}"
                )
