"""Balances on bills, the service side (SEMANTICS §11.2 rule 4).

- ``load_balances``: the accounts' balances with their credits, and each account's
  ``creditApplicationOrder`` (account ?? organization ?? [PREPAYMENT, BALANCE]; always the
  default inside a parent/child hierarchy).
- ``BalanceDraws``: what every stored bill of those accounts drew from each balance
  (window and rollover parts, read from its BALANCE_CONSUMED lines) and whether the bill
  is locked. ``before`` gives the balances as one bill sees them (rule 4): the credits
  applied by its bill date (local midnight, the organization's timezone), less the draws
  of the bills before it in (bill date, frequency DAILY < WEEKLY < MONTHLY < ANNUALLY <
  AD_HOC) order and of the locked bills after it. Unlike a commitment's (which sees every
  OTHER bill), a balance's draw depends only on earlier bills: recalculating an old bill
  takes what it needs first, and the later unlocked bills are recalculated after it
  (``draws.settle_draws`` notes them, ``draws.queue_stale_bills`` queues them). ``record``
  replaces a bill's draw in the running figures, so bills composed together draw in order.
- Read on the storing transaction's connection under the accounts' lock, so concurrent
  jobs never draw the same money twice (``draws.settle_draws``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from decimal import Decimal

import asyncpg

from app.db import connection
from app.domain.billing import ComposedBill
from app.domain.billing.balances import BalanceSnapshot
from app.domain.billing.balances_steps import DEFAULT_ORDER, CreditKind, CreditSources, credit_order, drawn_balances
from app.domain.billing.commitments import CommitmentSnapshot
from app.domain.timezones import local_midnight
from app.models.accounts import Account
from app.models.balances import Balance

__all__ = [
    "AccountBalances",
    "BalanceDraws",
    "BillKey",
    "bill_sources",
    "load_balance_inputs",
    "load_balances",
    "StaleFrom",
    "note_balance_draws",
    "read_balance_draws",
    "record_balance_draws",
]

_ZERO = Decimal(0)
FREQUENCY_ORDER = ("DAILY", "WEEKLY", "MONTHLY", "ANNUALLY", "AD_HOC")
BillKey = tuple[date, str]  # (bill date, billing frequency) of one account's bill


def bill_order(key: BillKey) -> tuple[date, int]:
    return key[0], FREQUENCY_ORDER.index(key[1]) if key[1] in FREQUENCY_ORDER else len(FREQUENCY_ORDER)


@dataclass(frozen=True)
class AccountBalances:
    balances: tuple[BalanceSnapshot, ...] = ()
    order: tuple[CreditKind, ...] = DEFAULT_ORDER


async def load_balances(
    organization_id: uuid.UUID, accounts: Mapping[uuid.UUID, Account], org_order: Iterable[str] | None
) -> dict[uuid.UUID, AccountBalances]:
    """Per account: its balances (credits and draws still 0: ``BalanceDraws.before`` sets
    them per bill) and its credit application order."""
    if not accounts:
        return {}
    rows = await Balance.filter(organization_id=organization_id, account_id__in=list(accounts)).order_by(
        "account_id", "end_date", "code"
    )
    parents = set(
        await Account.filter(organization_id=organization_id, parent_account_id__in=list(accounts)).values_list(
            "parent_account_id", flat=True
        )
    )
    found: dict[uuid.UUID, list[BalanceSnapshot]] = {}
    for row in rows:
        found.setdefault(row.account_id, []).append(_snapshot(row))
    result = {}
    for account_id, account in accounts.items():
        in_hierarchy = account.parent_account_id is not None or account_id in parents
        order = DEFAULT_ORDER if in_hierarchy else credit_order(account.credit_application_order or org_order)
        result[account_id] = AccountBalances(tuple(found.get(account_id, ())), order)
    return result


def _snapshot(row: Balance) -> BalanceSnapshot:
    return BalanceSnapshot(
        id=row.id,
        account_id=row.account_id,
        code=row.code,
        currency=row.currency,
        start=row.start_date,
        end=row.end_date,
        rollover_end=row.rollover_end_date,
        rollover_amount=None if row.rollover_amount is None else Decimal(row.rollover_amount),
        product_ids=frozenset(uuid.UUID(str(p)) for p in row.product_ids or ()),
        line_item_types=frozenset(row.line_item_types or ()),
        overage_surcharge_percent=None
        if row.overage_surcharge_percent is None
        else Decimal(row.overage_surcharge_percent),
        draw_down_description=row.balance_draw_down_description,
        overage_description=row.overage_description,
    )


@dataclass
class _Draw:
    window: Decimal = _ZERO
    rollover: Decimal = _ZERO
    locked: bool = False


@dataclass
class BalanceDraws:
    """Credits and stored draws per balance; the bills' draws keyed by ``BillKey``."""

    tz: tzinfo
    credits: dict[uuid.UUID, list[tuple[datetime, Decimal]]] = field(default_factory=dict)
    by_bill: dict[uuid.UUID, dict[BillKey, _Draw]] = field(default_factory=dict)

    def before(
        self, balances: Iterable[BalanceSnapshot], key: BillKey, pending: Iterable[BillKey] = ()
    ) -> tuple[BalanceSnapshot, ...]:
        """The balances as the bill ``key`` sees them. ``pending``: bills of the account
        stored together with it, after it (their stored draws are about to be replaced)."""
        return tuple(self._seen(b, key, frozenset(pending)) for b in balances)

    def _seen(self, b: BalanceSnapshot, key: BillKey, pending: frozenset[BillKey]) -> BalanceSnapshot:
        cutoff = local_midnight(key[0], self.tz)
        bills = self.by_bill.get(b.id, {})
        earlier = [d for k, d in bills.items() if bill_order(k) < bill_order(key) or (d.locked and k != key)]
        # Rule 4 gives an earlier bill money a later stored bill already drew (a recalculation
        # of an old bill). It may only take what no other stored bill holds, so the balance is
        # never drawn twice; the later bills are queued and the draws meet rule 4 once they
        # are recalculated with it (``held_back`` tells the caller).
        others = [d for k, d in bills.items() if k != key and k not in pending]
        credits_by_date = sum((a for when, a in self.credits.get(b.id, ()) if when <= cutoff), _ZERO)
        credits_all = sum((a for _, a in self.credits.get(b.id, ())), _ZERO)
        drawn_before = sum((d.window for d in earlier), _ZERO)
        held = sum((d.window for d in others), _ZERO) - (credits_all - credits_by_date)
        rollover_before = sum((d.rollover for d in earlier), _ZERO)
        rollover_held = sum((d.rollover for d in others), _ZERO)
        return replace(
            b,
            credits=credits_by_date,
            drawn_before=max(drawn_before, held),
            rollover_drawn_before=max(rollover_before, rollover_held),
        )

    def held_back(self, b: BalanceSnapshot, key: BillKey, pending: Iterable[BillKey] = ()) -> bool:
        """Whether later stored bills hold money rule 4 would give this bill."""
        capped = self._seen(b, key, frozenset(pending))
        bills = self.by_bill.get(b.id, {})
        earlier = [d for k, d in bills.items() if bill_order(k) < bill_order(key) or (d.locked and k != key)]
        return capped.drawn_before > sum((d.window for d in earlier), _ZERO) or capped.rollover_drawn_before > sum(
            (d.rollover for d in earlier), _ZERO
        )

    def drawn(self, balance_id: uuid.UUID, key: BillKey) -> tuple[Decimal, Decimal]:
        d = self.by_bill.get(balance_id, {}).get(key)
        return (_ZERO, _ZERO) if d is None else (d.window, d.rollover)

    def record(self, balances: Iterable[BalanceSnapshot], key: BillKey, drawn: Mapping) -> None:
        """This bill now draws ``drawn`` (balance id → (window, rollover)), replacing its draw."""
        for b in balances:
            window, rollover = drawn.get(b.id, (_ZERO, _ZERO))
            self.by_bill.setdefault(b.id, {})[key] = _Draw(window, rollover)


async def load_balance_draws(organization_id: uuid.UUID, balance_ids: Sequence[uuid.UUID], tz: tzinfo) -> BalanceDraws:
    if not balance_ids:
        return BalanceDraws(tz)
    async with connection() as conn:
        return await read_balance_draws(conn, organization_id, balance_ids, tz)


async def read_balance_draws(
    conn: asyncpg.Connection, organization_id: uuid.UUID, balance_ids: Sequence[uuid.UUID], tz: tzinfo
) -> BalanceDraws:
    """Credits and per-bill draws of these balances, read on ``conn``."""
    draws = BalanceDraws(tz)
    if not balance_ids:
        return draws
    wanted = sorted(set(balance_ids))
    for r in await conn.fetch(
        """SELECT balance_id, applied_date, amount FROM balance_transactions
           WHERE organization_id = $1 AND balance_id = ANY($2::uuid[])""",
        organization_id,
        wanted,
    ):
        draws.credits.setdefault(r["balance_id"], []).append((r["applied_date"], r["amount"]))
    for r in await conn.fetch(
        """SELECT li.balance_id, b.bill_date, b.billing_frequency, bool_or(b.locked) AS locked,
                  -sum(li.subtotal) AS drawn, sum(coalesce(li.rollover_consumed, 0)) AS rollover
           FROM bill_line_items AS li JOIN bills AS b ON b.id = li.bill_id AND b.organization_id = li.organization_id
           WHERE li.organization_id = $1 AND li.balance_id = ANY($2::uuid[])
             AND li.line_item_type = 'BALANCE_CONSUMED'
           GROUP BY li.balance_id, b.bill_date, b.billing_frequency""",
        organization_id,
        wanted,
    ):
        key = (r["bill_date"], r["billing_frequency"])
        draws.by_bill.setdefault(r["balance_id"], {})[key] = _Draw(
            r["drawn"] - r["rollover"], r["rollover"], r["locked"]
        )
    return draws


async def load_balance_inputs(
    organization_id: uuid.UUID, accounts: Mapping[uuid.UUID, Account], org_order: Iterable[str] | None, tz: tzinfo
) -> tuple[dict[uuid.UUID, AccountBalances], BalanceDraws]:
    """A bill job's balances per account and their stored draws, in four queries."""
    balances = await load_balances(organization_id, accounts, org_order)
    ids = [b.id for account in balances.values() for b in account.balances]
    return balances, await load_balance_draws(organization_id, ids, tz)


def bill_sources(
    commitments: tuple[CommitmentSnapshot, ...],
    account: AccountBalances | None,
    draws: BalanceDraws | None,
    key: BillKey,
) -> CreditSources:
    """What one bill may draw on: its commitments as given, its balances as it sees them."""
    if account is None or draws is None:
        return CreditSources(commitments)
    return CreditSources(commitments, draws.before(account.balances, key), account.order)


def record_balance_draws(draws: BalanceDraws | None, sources: CreditSources, key: BillKey, bill: ComposedBill) -> None:
    if draws is not None and sources.balances:
        draws.record(sources.balances, key, drawn_balances(bill))


@dataclass(frozen=True)
class StaleFrom:
    """The account's unlocked bills after ``key`` (and the bill itself when ``including``)
    that may draw on the credit source ``source_id`` (a balance or a commitment) need
    recalculating.

    ``released``: the bill at ``key`` now draws less than it did, so later bills that drew
    nothing (the source was spent) may draw now: those whose period meets the source's
    draw window ``[window_start, window_end]`` (dates) are stale too, not only the ones
    that drew."""

    source_id: uuid.UUID
    key: BillKey
    including: bool = False
    released: bool = False
    window_start: date | None = None
    window_end: date | None = None


def note_balance_draws(
    draws: BalanceDraws,
    balances: Iterable[BalanceSnapshot],
    key: BillKey,
    pending: Sequence[BillKey],
    bill: ComposedBill,
    stale: list[StaleFrom],
) -> None:
    """Record what ``bill`` (being stored) draws from each balance, noting the bills a
    changed draw leaves stale: the later ones, and the bill itself when later bills held
    back money rule 4 gives it."""
    now = drawn_balances(bill)
    for b in balances:
        held_back = draws.held_back(b, key, pending)
        (window, rollover), (new_window, new_rollover) = draws.drawn(b.id, key), now.get(b.id, (_ZERO, _ZERO))
        if held_back or (window, rollover) != (new_window, new_rollover):
            released = new_window < window or new_rollover < rollover
            stale.append(StaleFrom(b.id, key, held_back, released, b.start.date(), (b.rollover_end or b.end).date()))
    draws.record(balances, key, now)
