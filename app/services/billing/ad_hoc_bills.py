"""AD_HOC bills of a run (SEMANTICS §7.2 item 4, §9.2 rule 4): the commitment fees and
charges of a day on which no plan bill of the account carries them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from app.domain.billing import BillFailure, ComposedBill
from app.domain.billing.charges import ChargeSnapshot, ad_hoc_charge_lines
from app.domain.billing.commitments import CommitmentSnapshot, ad_hoc_fee_lines
from app.services.billing.planning import AccountBills, AdHoc, BillRequest, Planned, has_fee_on, has_plan_bill_on
from app.services.charges.billing import ad_hoc_charges


def compose_ad_hoc_bills(
    planned: Planned,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    commitments: Mapping[uuid.UUID, Sequence[CommitmentSnapshot]],
    charges: Mapping[uuid.UUID, Sequence[ChargeSnapshot]],
    results: dict[uuid.UUID, AccountBills],
) -> None:
    """AD_HOC bills (SEMANTICS §7.2 item 4, §9.2 rule 4): one per requested day on which the
    account has commitment fees and no other bill (no account plan billing that day at any
    frequency, nor a bill planned for it here), or charges no plan bill carries; it holds
    those fees, then those charges. **Decisions**: its period is [day − 1, day) (each line
    carries its own service period); due date = bill date + daysBeforeBillDue; it draws
    on balances only (`balances.ad_hoc.draw_ad_hoc_bills`), never on commitments."""
    org, catalog = planned.org, planned.catalog
    planned_days = {(a, d) for a, d, _ in planned.plans}
    for account_id, account_requests in requests.items():
        if account_id not in catalog.accounts:
            continue
        own = commitments.get(account_id, ())
        for day in sorted({r.bill_date for r in account_requests}):
            fees = (
                bool(own)
                and (account_id, day) not in planned_days
                and has_fee_on(own, day, org)
                and not has_plan_bill_on(catalog.account_plans.get(account_id, ()), day, org)
            )
            charged = ad_hoc_charges(charges, catalog.account_plans, org, account_id, day)
            if fees or charged:
                _ad_hoc_bill(planned, account_id, day, own if fees else (), charged, results[account_id])


def _ad_hoc_bill(
    planned: Planned,
    account_id: uuid.UUID,
    day: date,
    commitments: Sequence[CommitmentSnapshot],
    charges: Sequence[ChargeSnapshot],
    outcome: AccountBills,
) -> None:
    account = planned.catalog.account_snapshot(account_id, planned.org)
    try:
        lines = ad_hoc_fee_lines(account, commitments, day, planned.org.context) + ad_hoc_charge_lines(
            account, charges, day, planned.org.context
        )
    except BillFailure as failure:
        outcome.failures.append(f"{AdHoc.AD_HOC.value} bill of {day}: {failure.reason}")
        return
    if not lines:
        return
    total = sum((li.converted_subtotal for li in lines), Decimal(0))
    outcome.bills.append(
        ComposedBill(
            account_id=account_id,
            account_code=account.code,
            bill_date=day,
            due_date=day + timedelta(days=account.days_before_bill_due),
            frequency=AdHoc.AD_HOC,  # type: ignore[arg-type]  # stored as a frequency, see AdHoc
            start=day - timedelta(days=1),
            end=day,
            last_date_in_billing_period=day - timedelta(days=1),
            currency=account.currency,
            account_plan_ids=(),
            lines=lines,
            total=total,
        )
    )
