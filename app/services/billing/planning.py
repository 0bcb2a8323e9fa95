"""Planning the bills of a set of accounts, before any usage is read (SEMANTICS §7.1–7.4).

`plan_bills` loads the snapshots (a bounded number of queries) and lists the account
plans of each bill asked for (account, bill date, frequency) and every usage window each
account needs, parent/child blocks included; a bill job aggregates exactly these windows
up front (`job_usage`), and `compose_planned` composes the planned bills.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from app.domain.billing import AccountPlanSnapshot, ComposedBill, UsageWindow, bills_on, usage_windows
from app.domain.billing.commitments import CommitmentSnapshot, fee_dates_between
from app.domain.billing.snapshots import CurrencyInfo
from app.domain.periods import BillFrequency
from app.models.catalog import Aggregation
from app.services.billing.children import Blocks, find_blocks
from app.services.billing.draws import Redraw
from app.services.billing.snapshots import Catalog, Organization, load_catalog, load_organization
from app.services.billing.window_usage import UsageByAccount


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
    if request.frequency is not None:
        wanted = [request.frequency]
    else:  # only a frequency of one of the plans can bill (the others are asked about for nothing)
        frequencies = {ap.plan.frequency for ap in account_plans}
        wanted = [f for f in BillFrequency if f in frequencies]
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


@dataclass(frozen=True)
class Loaded:
    """An organization and a catalog already loaded for a superset of the accounts to plan
    (a bill job's initialization chose its accounts with them): planning restricts the
    catalog instead of loading it again."""

    org: Organization
    catalog: Catalog
    dates: frozenset[date]  # the bill dates it was loaded for


# Reads the raw usage of the windows each account needs (`fetch_usage`'s signature).
UsageSource = Callable[
    [uuid.UUID, Mapping[uuid.UUID, Aggregation], Mapping[uuid.UUID, Sequence[UsageWindow]]], Awaitable[UsageByAccount]
]


async def plan_bills(
    organization_id: uuid.UUID,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    *,
    conversions: Sequence[Mapping] | None = None,
    loaded: Loaded | None = None,
) -> Planned:
    """`loaded`: the organization (with `conversions` applied) and a catalog loaded for
    the bill dates of `requests`, used instead of loading them when it was loaded for the
    same dates (what a catalog holds depends on its dates) and has every account of
    `requests` (a parent or child brought in by `redirect_children` may be missing)."""
    dates = {r.bill_date for rs in requests.values() for r in rs}
    if loaded is not None and not (dates == loaded.dates and requests.keys() <= loaded.catalog.accounts.keys()):
        loaded = None
    org = loaded.org if loaded is not None else await load_organization(organization_id, conversions)
    if not dates:
        return Planned(org, Catalog({}, {}, {}), {}, {})
    if loaded is not None:
        catalog = loaded.catalog.restricted_to(requests)
    else:
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
    blocks = await find_blocks(organization_id, catalog.accounts, catalog.account_plans, catalog.groups)
    block_needs: dict[tuple[uuid.UUID, ...], list[UsageWindow]] = {}
    for (_account_id, bill_date, frequency), account_plans in plans.items():
        for placement in blocks.of(account_plans):
            windows = plan_windows(account_plans, placement.block.account_plan_id, bill_date, frequency, org)
            members = (*placement.block.children, *placement.own_bills)
            for member in members:
                needs.setdefault(member.account_id, []).extend(w for w in windows if w not in needs[member.account_id])
            if placement.block.children:
                block_needs.setdefault(placement.block.account_ids, []).extend(windows)
    return Planned(org, catalog, plans, needs, blocks, block_needs)


def plan_windows(
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
    # A run's accounts mostly share their plans and dates: the windows depend only on the
    # account plans' periods, epochs and plans (not on whose they are), so each distinct
    # set is worked out once. The plans are the catalog's objects, alive for this call.
    alike: dict[tuple, tuple[UsageWindow, ...]] = {}
    for key, account_plans in plans.items():
        ordered = sorted(account_plans, key=lambda ap: (ap.start, str(ap.id)))  # as the windows are made
        shape = (tuple((ap.start, ap.end, ap.epoch, id(ap.plan)) for ap in ordered), key[1], key[2])
        if shape not in alike:
            try:
                alike[shape] = usage_windows(account_plans, key[1], key[2], org.context.timezone)
            except Exception:  # noqa: BLE001 - composing the same bill fails again and says why
                alike[shape] = ()
        windows[key] = alike[shape]
    return windows
