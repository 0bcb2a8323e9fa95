"""The AD_HOC bill dates a scheduled run covers (SEMANTICS §9.2 rule 4, §13.2 rule 2).

An AD_HOC bill dated D has the period [D − 1 day, D): it has started from local midnight
of D − 1 and its late-data window closes 24 h after local midnight of D. A run at `t`
therefore covers at most two such dates, today and tomorrow (local), each checked
against the window exactly (a 25-hour DST day closes today's window before its end).

An account is in scope for D when it has, on D, a commitment fee or a charge that no plan
bill carries. An account with a plan bill on D is left to the plan schedule: adding it
here would recalculate that plan bill after its own window closed (a plan that ended).
Everything is read set-based: the organization's commitments and the charges of the two
dates, never one query per account.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from app.domain import scheduling
from app.domain.billing import AccountPlanSnapshot
from app.domain.timezones import local_date, local_midnight
from app.models.accounts import Account, Commitment
from app.services.billing.commitments import load_commitments
from app.services.billing.planning import has_fee_on, has_plan_bill_on
from app.services.billing.snapshots import Organization
from app.services.charges.billing import charged_accounts

_DAY = timedelta(days=1)

AccountPlans = Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]]


def open_ad_hoc_dates(at: datetime, org: Organization) -> list[date]:
    """The AD_HOC bill dates whose period has started and whose window is open at `at`."""
    tz = org.context.timezone
    today = local_date(at, tz)
    return [
        day
        for day in (today, today + _DAY)
        if scheduling.in_scope(local_midnight(day - _DAY, tz), local_midnight(day, tz), None, at)
    ]


async def ad_hoc_bill_dates(
    organization_id: uuid.UUID, org: Organization, account_plans: AccountPlans, at: datetime
) -> dict[date, set[uuid.UUID]]:
    """The accounts with an AD_HOC bill to make or recalculate, by open AD_HOC bill date."""
    days = open_ad_hoc_dates(at, org)
    found: dict[date, set[uuid.UUID]] = {}
    fees = await _fee_accounts(organization_id, org, account_plans, days)
    for day in days:
        charged = await charged_accounts(organization_id, org, account_plans, None, day)
        accounts = charged | fees.get(day, set())
        if accounts:
            found[day] = accounts
    return found


async def _fee_accounts(
    organization_id: uuid.UUID, org: Organization, account_plans: AccountPlans, days: Iterable[date]
) -> dict[date, set[uuid.UUID]]:
    """Accounts with a commitment fee on each day and no plan bill then (§7.2 item 4)."""
    days = list(days)
    owners = set(
        await Commitment.filter(organization_id=organization_id).distinct().values_list("account_id", flat=True)
    )
    if not days or not owners:
        return {}
    accounts = {a.id: a for a in await Account.filter(organization_id=organization_id, id__in=list(owners))}
    commitments = await load_commitments(
        organization_id, accounts, account_plans, org.epochs(), org.config.commitment_fee_bill_in_advance
    )
    return {
        day: {
            a
            for a, own in commitments.items()
            if has_fee_on(own, day, org) and not has_plan_bill_on(account_plans.get(a, ()), day, org)
        }
        for day in days
    }
