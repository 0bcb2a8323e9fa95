"""AD_HOC bills draw on balances too (SEMANTICS §9.2 rule 2: AD_HOC lines may draw on
balances, never on commitments).

An AD_HOC bill holds a day's charges and commitment fees when the account has no other
bill that day; it is made without composition steps. ``draw_ad_hoc_bills`` adds the
balance drawdown to each (commitments are left out: they never draw AD_HOC lines), records
its draw so the account's bills composed after it see it, and hands the bill's ``Redraw``
to the storing transaction, which settles it with the others under the account's lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from app.domain.billing import AccountSnapshot, ComposedBill, OrgContext
from app.domain.billing.balances_steps import CreditKind, CreditSources, draw_on_bill
from app.services.balances.billing import AccountBalances, BalanceDraws, bill_sources, record_balance_draws
from app.services.billing.draws import Redraw

__all__ = ["draw_ad_hoc_bills"]

AD_HOC = "AD_HOC"


def draw_ad_hoc_bills(
    org: OrgContext,
    account_of: Callable[[uuid.UUID], AccountSnapshot],
    results: Mapping[uuid.UUID, Any],
    balances: Mapping[uuid.UUID, AccountBalances],
    draws: BalanceDraws | None,
    redraws: dict[tuple[uuid.UUID, date, str], Redraw],
) -> None:
    for account_id, outcome in results.items():
        own = balances.get(account_id)
        if own is None or not own.balances or CreditKind.BALANCE not in own.order:
            continue
        for i, bill in enumerate(outcome.bills):
            if getattr(bill.frequency, "value", bill.frequency) != AD_HOC or bill.account_id != account_id:
                continue
            key = (bill.bill_date, AD_HOC)
            sources = bill_sources((), own, draws, key)
            compose = _composer(account_of(account_id), bill, org)
            outcome.bills[i] = drawn = compose(sources)
            record_balance_draws(draws, sources, key, drawn)
            redraws[(account_id, bill.bill_date, AD_HOC)] = Redraw(sources, compose, drawn)


def _composer(account: AccountSnapshot, bill: ComposedBill, org: OrgContext) -> Callable[[CreditSources], ComposedBill]:
    def compose(sources: CreditSources) -> ComposedBill:
        return draw_on_bill(account, bill, CreditSources((), sources.balances, sources.order), org)

    return compose
