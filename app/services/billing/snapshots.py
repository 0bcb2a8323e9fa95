"""Building the billing snapshots (`app.domain.billing.snapshots`) from the database.

Everything is loaded for a whole set of accounts at once, with a fixed number of queries
whatever the number of accounts: organization config and currencies, accounts, their
account plans, the plans and templates behind them, and (`pricing_snapshots`) their
pricings with the aggregations and compound aggregations those pricings price.
Read-throughs are resolved here, once, as the snapshots document: plan override ??
template ?? organization default.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q

from app.domain.billing import (
    AccountPlanSnapshot,
    AccountSnapshot,
    CurrencyInfo,
    OrgContext,
    PlanSnapshot,
    PricingSnapshot,
)
from app.domain.billing.plan_groups import GroupMember
from app.domain.money import CurrencyRounding
from app.domain.periods import BillFrequency, resolve_epoch
from app.domain.timezones import local_midnight, parse_timezone
from app.models.accounts import Account, AccountPlan
from app.models.catalog import Aggregation, Plan, PlanTemplate
from app.models.organization import Currency, OrganizationConfig
from app.services.billing.pricing_snapshots import first_given, pricings_of
from app.services.plan_groups.billing import with_group_members

# The longest calendar span of one step of each frequency: bounds how far before a bill
# date an account plan may have ended and still be on that bill.
_MAX_DAYS = {BillFrequency.DAILY: 1, BillFrequency.WEEKLY: 7, BillFrequency.MONTHLY: 31, BillFrequency.ANNUALLY: 366}


@dataclass(frozen=True)
class Organization:
    config: OrganizationConfig
    context: OrgContext

    def epochs(self) -> dict[BillFrequency, date]:
        c = self.config
        return {
            BillFrequency.DAILY: c.day_epoch,
            BillFrequency.WEEKLY: c.week_epoch,
            BillFrequency.MONTHLY: c.month_epoch,
            BillFrequency.ANNUALLY: c.year_epoch,
        }


@dataclass(frozen=True)
class Catalog:
    """What a set of accounts is billed with; `meter_of` names each aggregation's meter."""

    accounts: Mapping[uuid.UUID, Account]
    account_plans: Mapping[uuid.UUID, tuple[AccountPlanSnapshot, ...]]
    aggregations: Mapping[uuid.UUID, Aggregation]
    # Plan group members by their account plan id (SEMANTICS §10.2).
    groups: Mapping[uuid.UUID, GroupMember] = field(default_factory=dict)

    def account_snapshot(self, account_id: uuid.UUID, org: Organization) -> AccountSnapshot:
        account = self.accounts[account_id]
        days = account.days_before_bill_due
        return AccountSnapshot(
            id=account.id,
            code=account.code,
            currency=account.currency or org.config.currency,
            days_before_bill_due=org.config.days_before_bill_due if days is None else days,
        )

    def restricted_to(self, account_ids: Iterable[uuid.UUID]) -> Catalog:
        """The same catalog for these accounts only: what `load_catalog` gives for them
        (an account's plans, plan snapshots and pricings do not depend on the others)."""
        wanted = set(account_ids)
        return Catalog(
            {a: account for a, account in self.accounts.items() if a in wanted},
            {a: plans for a, plans in self.account_plans.items() if a in wanted},
            self.aggregations,
            self.groups,
        )

    @property
    def meter_of(self) -> dict[uuid.UUID, uuid.UUID]:
        return {agg_id: agg.meter_id for agg_id, agg in self.aggregations.items()}


async def load_organization(organization_id: uuid.UUID, conversions: Sequence[Mapping] | None = None) -> Organization:
    """Config, currencies and conversions; a bill job's own conversions override the
    organization's pair by pair (SEMANTICS §7.4)."""
    config = await OrganizationConfig.get(organization_id=organization_id)
    currencies = {
        c.code: CurrencyInfo(c.code, c.max_decimal_places, CurrencyRounding(c.rounding_mode))
        for c in await Currency.filter(organization_id=organization_id)
    }
    rates = _conversions(config.currency_conversions or [])
    rates.update(_conversions(conversions or []))
    context = OrgContext(timezone=parse_timezone(config.timezone), currencies=currencies, conversions=rates)
    return Organization(config, context)


def _conversions(items: Iterable[Mapping]) -> dict[tuple[str, str], Decimal]:
    return {(c["from"], c["to"]): Decimal(str(c["multiplier"])) for c in items}


async def lookback_days(organization_id: uuid.UUID) -> int:
    """Days before a bill date within which every plan's period of that bill starts."""
    schedules = (
        await PlanTemplate.filter(organization_id=organization_id)
        .distinct()
        .values_list("bill_frequency", "bill_frequency_interval")
    )
    longest = max((_MAX_DAYS[BillFrequency(f)] * interval for f, interval in schedules), default=1)
    return longest + 1  # + 1: a local date's midnight may fall on the previous UTC date


async def load_catalog(
    organization_id: uuid.UUID,
    org: Organization,
    account_ids: Sequence[uuid.UUID] | None,
    bill_dates: Iterable[date],
    *,
    with_pricings: bool = True,
) -> Catalog:
    """Accounts (None: every account of the organization) and their account plans that may
    be on a bill at one of `bill_dates`. Without pricings the plans carry only their
    schedule: enough to decide which accounts have a bill on a date."""
    dates = sorted(set(bill_dates))
    tz = org.context.timezone
    upper = local_midnight(dates[-1], tz)
    lower = local_midnight(dates[0] - timedelta(days=await lookback_days(organization_id)), tz)
    # A group account plan is billed as its member plans (SEMANTICS §10.2 rule 2).
    rows, groups = await with_group_members(
        organization_id, await _account_plan_rows(organization_id, account_ids, lower, upper), org.config
    )
    accounts = await _accounts(organization_id, account_ids, rows)
    plans = {
        p.id: p for p in await Plan.filter(organization_id=organization_id, id__in=list({r.plan_id for r in rows}))
    }
    templates = {
        t.id: t
        for t in await PlanTemplate.filter(
            organization_id=organization_id, id__in=list({p.plan_template_id for p in plans.values()})
        )
    }
    pricings, aggregations = await pricings_of(organization_id, plans, templates, org) if with_pricings else ({}, {})
    snapshots: dict[uuid.UUID, list[AccountPlanSnapshot]] = {}
    # One snapshot per plan, shared by its account plans: built once, and the domain's
    # per-plan work (priced intervals) is recognized as the same plan across accounts.
    plan_snapshots: dict[uuid.UUID, PlanSnapshot] = {}
    for row in rows:
        plan = plans.get(row.plan_id) if row.plan_id is not None else None  # a group: expanded above
        template = templates.get(plan.plan_template_id) if plan else None
        account = accounts.get(row.account_id)
        if plan is None or template is None or account is None:
            continue  # deleted meanwhile: nothing to bill with
        if plan.id not in plan_snapshots:
            plan_snapshots[plan.id] = _plan(plan, template, org, pricings)
        snapshot = _account_plan(row, account, plan_snapshots[plan.id], org)
        snapshots.setdefault(row.account_id, []).append(snapshot)
    return Catalog(accounts, {k: tuple(v) for k, v in snapshots.items()}, aggregations, groups)


async def _account_plan_rows(
    organization_id: uuid.UUID, account_ids: Sequence[uuid.UUID] | None, lower: datetime, upper: datetime
) -> list[AccountPlan]:
    query = AccountPlan.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=lower), organization_id=organization_id, start_date__lt=upper
    )
    if account_ids is not None:
        query = query.filter(account_id__in=list(account_ids))
    return await query.order_by("account_id", "start_date", "id")


async def _accounts(
    organization_id: uuid.UUID, account_ids: Sequence[uuid.UUID] | None, rows: Sequence[AccountPlan]
) -> dict[uuid.UUID, Account]:
    wanted = list(account_ids) if account_ids is not None else list({r.account_id for r in rows})
    return {a.id: a for a in await Account.filter(organization_id=organization_id, id__in=wanted)}


def _account_plan(row: AccountPlan, account: Account, plan: PlanSnapshot, org: Organization) -> AccountPlanSnapshot:
    epoch = resolve_epoch(
        plan.frequency, account_plan_epoch=row.bill_epoch, account_epoch=account.bill_epoch, org_epochs=org.epochs()
    )
    return AccountPlanSnapshot(
        id=row.id, account_id=row.account_id, start=row.start_date, end=row.end_date, epoch=epoch, plan=plan
    )


def _plan(
    plan: Plan,
    template: PlanTemplate,
    org: Organization,
    pricings: Mapping[tuple[str, uuid.UUID], list[PricingSnapshot]],
) -> PlanSnapshot:
    config = org.config
    return PlanSnapshot(
        id=plan.id,
        template_id=template.id,
        product_id=plan.product_id,
        currency=template.currency,
        frequency=BillFrequency(template.bill_frequency),
        interval=template.bill_frequency_interval,
        standing_charge=first_given(plan.standing_charge, template.standing_charge, Decimal(0)),
        standing_charge_description=first_given(plan.standing_charge_description, template.standing_charge_description),
        standing_charge_interval=template.standing_charge_interval,
        standing_charge_offset=template.standing_charge_offset,
        standing_charge_bill_in_advance=first_given(
            plan.standing_charge_bill_in_advance,
            template.standing_charge_bill_in_advance,
            config.standing_charge_bill_in_advance,
        ),
        minimum_spend=first_given(plan.minimum_spend, template.minimum_spend, Decimal(0)),
        minimum_spend_description=first_given(plan.minimum_spend_description, template.minimum_spend_description),
        minimum_spend_bill_in_advance=first_given(
            plan.minimum_spend_bill_in_advance,
            template.minimum_spend_bill_in_advance,
            config.minimum_spend_bill_in_advance,
        ),
        plan_pricings=tuple(pricings.get(("plan", plan.id), ())),
        template_pricings=tuple(pricings.get(("template", template.id), ())),
    )
