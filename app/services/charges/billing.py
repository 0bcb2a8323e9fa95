"""Charges on bills, the service side (SEMANTICS §9.2 rules 2–5).

- `load_charges`: the charges of the accounts and bill dates a set of bill requests asks
  for, as `ChargeSnapshot`s, each with the frequency of the bill that already carries it
  (a fixed `billId`; a bill since deleted frees the charge).
- `charge_steps`: the step adding the charges a planned plan bill carries (the longest
  frequency billing that day, or the bill that already has them).
- `ad_hoc_charges`: the charges of a day that go on the account's AD_HOC bill.
- `charged_accounts`: accounts a bill job bills only because of such charges.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from app.domain.billing import AccountPlanSnapshot, LineType, Step
from app.domain.billing.charges import AD_HOC, ChargeSnapshot, charge_figures, charges_step, placement
from app.domain.periods import BillFrequency
from app.models.billing import Bill
from app.models.charges import Charge
from app.services.billing.planning import BillRequest, billing_frequencies
from app.services.billing.snapshots import Organization

__all__ = ["ad_hoc_charges", "charge_steps", "charged_accounts", "load_charges"]

Charges = Mapping[uuid.UUID, Sequence[ChargeSnapshot]]


async def load_charges(
    organization_id: uuid.UUID, requests: Mapping[uuid.UUID, Sequence[BillRequest]]
) -> dict[uuid.UUID, tuple[ChargeSnapshot, ...]]:
    days = {r.bill_date for rs in requests.values() for r in rs}
    if not days:
        return {}
    rows = await Charge.filter(
        organization_id=organization_id, account_id__in=list(requests), bill_date__in=sorted(days)
    ).order_by("account_id", "bill_date", "id")
    return _snapshots(rows, await _frequencies(organization_id, rows))


async def _frequencies(organization_id: uuid.UUID, rows: Iterable[Charge]) -> dict[Any, str]:
    bill_ids = list({r.bill_id for r in rows if r.bill_id is not None})
    if not bill_ids:
        return {}
    found = await Bill.filter(organization_id=organization_id, id__in=bill_ids).values_list("id", "billing_frequency")
    return dict(found)  # type: ignore[arg-type]


def _snapshots(rows: Iterable[Charge], frequencies: Mapping[Any, str]) -> dict[uuid.UUID, tuple[ChargeSnapshot, ...]]:
    found: dict[uuid.UUID, list[ChargeSnapshot]] = {}
    for row in rows:
        amount, units, average = charge_figures(row.amount, row.units, row.unit_price)
        found.setdefault(row.account_id, []).append(
            ChargeSnapshot(
                id=row.id,
                account_id=row.account_id,
                currency=row.currency,
                amount=amount,
                units=units,
                average_unit_price=average,
                bill_date=row.bill_date,
                service_start=row.service_period_start,
                service_end=row.service_period_end,
                description=row.description or row.name,
                line_type=LineType(row.line_item_type),
                fixed_frequency=frequencies.get(row.bill_id) if row.bill_id is not None else None,
            )
        )
    return {k: tuple(v) for k, v in found.items()}


def _placed(
    charges: Sequence[ChargeSnapshot],
    account_plans: Sequence[AccountPlanSnapshot],
    day: date,
    org: Organization,
) -> dict[str, list[ChargeSnapshot]]:
    """The charges of `day` by the frequency value of the bill that carries them."""
    of_day = [c for c in charges if c.bill_date == day]
    if not of_day:
        return {}
    frequencies = billing_frequencies(account_plans, BillRequest(day), org)
    placed: dict[str, list[ChargeSnapshot]] = {}
    for charge in of_day:
        placed.setdefault(placement(charge, frequencies), []).append(charge)
    return placed


def charge_steps(
    charges: Charges,
    account_plans: Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]],
    org: Organization,
    bill_key: tuple[uuid.UUID, date, BillFrequency],
) -> tuple[Step, ...]:
    """The step of the charges the plan bill `bill_key` carries (none: no step)."""
    account_id, day, frequency = bill_key
    own = _placed(charges.get(account_id, ()), account_plans.get(account_id, ()), day, org)
    carried = own.get(BillFrequency(frequency).value)
    return (charges_step(carried),) if carried else ()


def ad_hoc_charges(
    charges: Charges,
    account_plans: Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]],
    org: Organization,
    account_id: uuid.UUID,
    day: date,
) -> list[ChargeSnapshot]:
    return _placed(charges.get(account_id, ()), account_plans.get(account_id, ()), day, org).get(AD_HOC, [])


async def charged_accounts(
    organization_id: uuid.UUID,
    org: Organization,
    account_plans: Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]],
    account_ids: Sequence[uuid.UUID] | None,
    bill_date: date,
) -> set[uuid.UUID]:
    """Accounts with a charge on `bill_date` for an AD_HOC bill (SEMANTICS §9.2 rule 4)."""
    query = Charge.filter(organization_id=organization_id, bill_date=bill_date)
    if account_ids is not None:
        query = query.filter(account_id__in=list(account_ids))
    rows = await query
    if not rows:
        return set()
    charges = _snapshots(rows, await _frequencies(organization_id, rows))
    return {a for a in charges if ad_hoc_charges(charges, account_plans, org, a, bill_date)}
