"""Commitments on bills, the service side (SEMANTICS §5.3, §7.2 items 4–5).

- ``load_commitments``: the Commitment rows of a set of accounts as ``CommitmentSnapshot``s
  (one query for the rows, one each for their billing plans and templates), with
  ``fee_in_advance`` = commitment ?? organization, the billing plan's epoch resolved as for
  an account plan (the account's plan of that id ?? account ?? organization), and
  ``amount_spent_before`` = 0: the caller sets it per bill (``Draws.before``).
- ``load_draws``: what every stored bill of those accounts drew from each commitment, read
  from its stored COMMITMENT_CONSUMED lines: ``−subtotal``, which the domain writes in the
  commitment currency (``currency`` of the line = the commitment's), rounded at its places.
  **Decision**: ``amount_spent_before`` for a bill = Σ draws of the OTHER stored bills. It
  equals the contract's "stored amountSpent − this bill's recorded draw" because
  ``amountSpent`` is always recomputed from those same lines (``refresh_amount_spent``),
  and it stays right even if a stored ``amountSpent`` were stale.
- Several bills of one account composed together draw first come, first served in the
  order they are composed (bill date, then frequency): ``Draws.record`` updates the running
  totals after each bill.
- ``refresh_amount_spent``: in the transaction that stored the bills, ``amountSpent`` of
  the accounts' commitments = Σ draws of their stored bills. The commitment rows are locked
  first (after the bill rows and the organization config row: the lock order of
  ``persist``), and the sum is read by a later statement, so it sees every committed bill.
  A retry or a recalculation replaces a bill's lines and so can never draw twice.
- The draws read before composing can be stale by the time the bills are stored (another
  job stored a bill of the account meanwhile): ``draws.settle_draws`` decides them again
  under a lock of the accounts, in the storing transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from app.db import connection
from app.domain.billing import AccountPlanSnapshot
from app.domain.billing.commitments import CommitmentSnapshot, FeeBillingPlan, FeeDate
from app.domain.periods import BillFrequency, resolve_epoch
from app.models.accounts import Account, Commitment
from app.models.catalog import Plan, PlanTemplate

__all__ = ["Draws", "load_commitments", "load_draws", "read_draws", "refresh_amount_spent"]

_ZERO = Decimal(0)
BillKey = tuple[date, str]  # (bill date, billing frequency) of one account's bill


async def load_commitments(
    organization_id: uuid.UUID,
    accounts: Mapping[uuid.UUID, Account],
    account_plans: Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]],
    org_epochs: Mapping[BillFrequency, date],
    org_fee_in_advance: bool,
) -> dict[uuid.UUID, tuple[CommitmentSnapshot, ...]]:
    if not accounts:
        return {}
    rows = await Commitment.filter(organization_id=organization_id, account_id__in=list(accounts)).order_by(
        "account_id", "end_date", "id"
    )
    plan_ids = {r.billing_plan_id for r in rows if r.billing_plan_id is not None}
    plans = (
        {p.id: p for p in await Plan.filter(organization_id=organization_id, id__in=list(plan_ids))} if plan_ids else {}
    )
    templates = (
        {
            t.id: t
            for t in await PlanTemplate.filter(
                organization_id=organization_id, id__in=list({p.plan_template_id for p in plans.values()})
            )
        }
        if plans
        else {}
    )
    found: dict[uuid.UUID, list[CommitmentSnapshot]] = {}
    for row in rows:
        account = accounts.get(row.account_id)
        if account is None:
            continue
        billing_plan = _billing_plan(row, plans, templates, account, account_plans.get(row.account_id, ()), org_epochs)
        found.setdefault(row.account_id, []).append(_snapshot(row, billing_plan, org_fee_in_advance))
    return {k: tuple(v) for k, v in found.items()}


def _billing_plan(
    row: Commitment,
    plans: Mapping,
    templates: Mapping,
    account: Account,
    account_plans: Sequence[AccountPlanSnapshot],
    org_epochs: Mapping[BillFrequency, date],
) -> FeeBillingPlan | None:
    plan = plans.get(row.billing_plan_id) if row.billing_plan_id is not None else None
    template = templates.get(plan.plan_template_id) if plan is not None else None
    if plan is None or template is None:
        return None
    frequency = BillFrequency(template.bill_frequency)
    own = next((ap for ap in account_plans if ap.plan.id == plan.id), None)
    epoch = (
        own.epoch
        if own is not None
        else resolve_epoch(frequency, account_plan_epoch=None, account_epoch=account.bill_epoch, org_epochs=org_epochs)
    )
    return FeeBillingPlan(id=plan.id, epoch=epoch, frequency=frequency, interval=template.bill_frequency_interval)


def _snapshot(row: Commitment, billing_plan: FeeBillingPlan | None, org_fee_in_advance: bool) -> CommitmentSnapshot:
    in_advance = row.commitment_fee_bill_in_advance
    return CommitmentSnapshot(
        id=row.id,
        account_id=row.account_id,
        currency=row.currency,
        amount=Decimal(row.amount),
        start=row.start_date,
        end=row.end_date,
        amount_pre_paid=Decimal(row.amount_pre_paid or 0),
        amount_first_bill=Decimal(row.amount_first_bill or 0),
        product_ids=frozenset(uuid.UUID(str(p)) for p in row.product_ids or ()),
        line_item_types=frozenset(row.line_item_types or ()),
        overage_surcharge_percent=None
        if row.overage_surcharge_percent is None
        else Decimal(row.overage_surcharge_percent),
        separate_overage_usage=bool(row.separate_overage_usage),
        fee_dates=tuple(_fee_date(f) for f in row.fee_dates or ()),
        billing_plan=billing_plan,
        billing_interval=row.billing_interval or 1,
        billing_offset=row.billing_offset or 0,
        fee_in_advance=org_fee_in_advance if in_advance is None else in_advance,
        fee_description=row.commitment_fee_description,
        consumed_description=row.commitment_usage_description,
        overage_description=row.overage_description,
    )


def _fee_date(item: Mapping) -> FeeDate:
    return FeeDate(
        date.fromisoformat(item["date"]),
        Decimal(str(item["amount"])),
        datetime.fromisoformat(item["servicePeriodStartDate"]),
        datetime.fromisoformat(item["servicePeriodEndDate"]),
    )


@dataclass
class Draws:
    """Stored draws per commitment and bill, and the running total per commitment."""

    by_bill: dict[uuid.UUID, dict[BillKey, Decimal]] = field(default_factory=dict)
    total: dict[uuid.UUID, Decimal] = field(default_factory=dict)

    def before(self, commitments: Iterable[CommitmentSnapshot], key: BillKey) -> tuple[CommitmentSnapshot, ...]:
        """The commitments as this bill sees them: what the OTHER bills drew."""
        return tuple(
            replace(c, amount_spent_before=self.total.get(c.id, _ZERO) - self.by_bill.get(c.id, {}).get(key, _ZERO))
            for c in commitments
        )

    def record(self, commitments: Iterable[CommitmentSnapshot], key: BillKey, drawn: Mapping) -> None:
        """This bill now draws `drawn` (commitment id → amount), replacing its earlier draw."""
        for c in commitments:
            bills = self.by_bill.setdefault(c.id, {})
            new = drawn.get(c.id, _ZERO)
            self.total[c.id] = self.total.get(c.id, _ZERO) - bills.get(key, _ZERO) + new
            bills[key] = new


async def load_draws(organization_id: uuid.UUID, commitment_ids: Sequence[uuid.UUID]) -> Draws:
    if not commitment_ids:
        return Draws()
    async with connection() as conn:
        return await read_draws(conn, organization_id, commitment_ids)


async def read_draws(
    conn: asyncpg.Connection, organization_id: uuid.UUID, commitment_ids: Sequence[uuid.UUID]
) -> Draws:
    """What the stored bills drew from these commitments, per bill (read on ``conn``: in
    the storing transaction, ``draws.settle_draws`` reads them under the accounts' lock)."""
    draws = Draws()
    if not commitment_ids:
        return draws
    rows = await conn.fetch(
        """SELECT li.commitment_id, b.bill_date, b.billing_frequency, -sum(li.subtotal) AS drawn
           FROM bill_line_items AS li JOIN bills AS b ON b.id = li.bill_id AND b.organization_id = li.organization_id
           WHERE li.organization_id = $1 AND li.commitment_id = ANY($2::uuid[])
             AND li.line_item_type = 'COMMITMENT_CONSUMED'
           GROUP BY li.commitment_id, b.bill_date, b.billing_frequency""",
        organization_id,
        list(commitment_ids),
    )
    for r in rows:
        draws.by_bill.setdefault(r["commitment_id"], {})[(r["bill_date"], r["billing_frequency"])] = r["drawn"]
        draws.total[r["commitment_id"]] = draws.total.get(r["commitment_id"], _ZERO) + r["drawn"]
    return draws


async def refresh_amount_spent(
    conn: asyncpg.Connection, organization_id: uuid.UUID, account_ids: Iterable[uuid.UUID]
) -> None:
    """Inside the storing transaction: amountSpent = Σ stored draws, for these accounts."""
    accounts = sorted(set(account_ids))
    if not accounts:
        return
    locked = await conn.fetch(
        """SELECT id FROM commitments WHERE organization_id = $1 AND account_id = ANY($2::uuid[])
           ORDER BY id FOR UPDATE""",
        organization_id,
        accounts,
    )
    if not locked:
        return
    await conn.execute(
        """UPDATE commitments AS c
           SET amount_spent = coalesce(d.drawn, 0)
           FROM unnest($2::uuid[]) AS t(id)
           LEFT JOIN (SELECT li.commitment_id, -sum(li.subtotal) AS drawn FROM bill_line_items AS li
                      WHERE li.organization_id = $1 AND li.commitment_id = ANY($2::uuid[])
                        AND li.line_item_type = 'COMMITMENT_CONSUMED'
                      GROUP BY li.commitment_id) AS d ON d.commitment_id = t.id
           WHERE c.organization_id = $1 AND c.id = t.id AND c.amount_spent IS DISTINCT FROM coalesce(d.drawn, 0)""",
        organization_id,
        [r["id"] for r in locked],
    )
