"""Draws on an account's prepaid money, serialized per account (SEMANTICS §5.3).

A bill is composed from the draws the OTHER stored bills of its account made
(``amount_spent_before``), read before composing. Two bill jobs over one account
(January and February at once, or a recalculation beside the monthly run) would each
read "nothing drawn yet" and both draw the whole commitment. So the draws are decided
again where they become facts, in the transaction that stores the bills:

- ``lock_accounts_for_draws`` locks the accounts' rows in id order (``FOR NO KEY
  UPDATE``: it does not block rows that merely reference an account, such as new
  measurements). Every writer of draws takes it first, so the writers of one account
  take turns, and two chunks of overlapping accounts cannot deadlock. Lock order in the
  storing transaction: accounts, then bills, then the organization config row, then the
  commitments (``refresh_amount_spent``); the account services also lock accounts first.
- ``settle_draws``, under that lock, reads what is stored now (every committed bill of
  those accounts) and gives each bill whose draws were read differently a recomposition
  (``Redraw.compose``: the same pure composition with the fresh snapshots). An account's
  bills are settled in composing order (bill date, then frequency), each seeing the
  draws of those settled before it; a locked bill is never stored, so its stored draw
  counts, not the one composed for it.

Balance draws go through the same two functions: a bill's ``CreditSources`` (its
commitments and balances) are what it was composed with, and what it is recomposed with.
A balance sees only the bills before it (and locked later ones, SEMANTICS §11.2 rule 4),
so a bill whose balance draw changes leaves the account's later unlocked bills that drew
on that balance stale: ``settle_draws`` notes them, and ``queue_stale_bills``, called in
the same transaction once the bills are written, queues them for recalculation (a PENDING
RECALCULATE bill job, which the sweep starts if no enqueue does). A bill whose commitment
draw changes queues the account's later unlocked bills on that commitment the same way
(SEMANTICS §11.2 rule 4: "commitments too"). A bill that later stored bills held back is
queued with them, so it has to be written first: a new one has no row before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import asyncpg

from app.domain.billing import ComposedBill
from app.domain.billing.balances_steps import CreditSources, spent
from app.domain.billing.commitments import CommitmentSnapshot, drawn_amounts
from app.domain.timezones import parse_timezone
from app.services.balances.billing import (
    BalanceDraws,
    BillKey,
    StaleFrom,
    bill_order,
    note_balance_draws,
    read_balance_draws,
)
from app.services.balances.requeue import queue_later_bills
from app.services.billing.commitments import Draws, read_draws

__all__ = ["Redraw", "Settled", "lock_accounts_for_draws", "queue_stale_bills", "settle_draws"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Redraw:
    """How a composed bill drew, and how to compose it again with other draws before it."""

    sources: CreditSources  # as the bill was composed (what earlier bills drew)
    compose: Callable[[CreditSources], ComposedBill]  # pure, no I/O
    bill: ComposedBill  # the bill composed with ``sources``


@dataclass(frozen=True)
class Settled:
    """The bills to store, in order, and the account's bills their draws leave stale."""

    bills: list[ComposedBill]
    stale: dict[uuid.UUID, list[StaleFrom]]


async def lock_accounts_for_draws(
    conn: asyncpg.Connection, organization_id: uuid.UUID, account_ids: Sequence[uuid.UUID]
) -> None:
    """Inside a transaction: hold these accounts' draws until it ends."""
    wanted = sorted(set(account_ids))
    if wanted:
        await conn.execute(
            """SELECT id FROM accounts WHERE organization_id = $1 AND id = ANY($2::uuid[])
               ORDER BY id FOR NO KEY UPDATE""",
            organization_id,
            wanted,
        )


async def settle_draws(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bills: Sequence[tuple[ComposedBill, Redraw | None]]
) -> Settled:
    """The bills to store, in order, their draws decided from what is stored now. Takes
    ``lock_accounts_for_draws`` on the accounts of the bills that draw. Once they are
    written, ``queue_stale_bills`` must follow in the same transaction."""
    drawing = [(i, bill, redraw) for i, (bill, redraw) in enumerate(bills) if redraw is not None]
    settled = [bill for bill, _ in bills]
    changed: dict[uuid.UUID, list[StaleFrom]] = {}
    if not drawing:
        return Settled(settled, changed)
    await lock_accounts_for_draws(conn, organization_id, [bill.account_id for _, bill, _ in drawing])
    commitment_ids = sorted({c.id for _, _, redraw in drawing for c in redraw.sources.commitments})
    draws = await read_draws(conn, organization_id, commitment_ids)
    balances = await _balance_draws(conn, organization_id, [b.id for _, _, r in drawing for b in r.sources.balances])
    locked = await _locked_bills(conn, organization_id, [bill.account_id for _, bill, _ in drawing])
    ordered = sorted(drawing, key=lambda d: _composing_order(d[1]))
    for n, (i, bill, redraw) in enumerate(ordered):
        key = (bill.bill_date, bill.frequency.value)
        if (bill.account_id, *key) in locked:
            continue  # not stored: its stored draw stays, and counts for the others
        # The account's bills stored after this one in this transaction: their stored balance
        # draws are about to be replaced, so they hold back nothing from it.
        pending = [(b.bill_date, b.frequency.value) for _, b, _ in ordered[n + 1 :] if b.account_id == bill.account_id]
        sources = redraw.sources
        fresh = replace(
            sources,
            commitments=draws.before(sources.commitments, key),
            balances=balances.before(sources.balances, key, pending) if sources.balances else (),
        )
        if spent(fresh) != spent(sources):
            settled[i] = redraw.compose(fresh)
        stale = changed.setdefault(bill.account_id, [])
        _note_commitment_draws(draws, fresh.commitments, key, settled[i], stale)
        note_balance_draws(balances, fresh.balances, key, pending, settled[i], stale)
    return Settled(settled, changed)


async def queue_stale_bills(conn: asyncpg.Connection, organization_id: uuid.UUID, settled: Settled) -> None:
    """Queue for recalculation the bills ``settle_draws`` found stale, with the bills just
    written (and so reachable by id) among them."""
    await queue_later_bills(
        conn,
        organization_id,
        settled.stale,
        stored=[(b.account_id, b.bill_date, b.frequency.value) for b in settled.bills],
    )


def _note_commitment_draws(
    draws: Draws, commitments: Sequence[CommitmentSnapshot], key: BillKey, bill: ComposedBill, stale: list[StaleFrom]
) -> None:
    """Record what ``bill`` draws from each commitment; a changed draw leaves the account's
    later bills on that commitment stale (SEMANTICS §11.2 rule 4: commitments too)."""
    now = drawn_amounts(bill)
    for c in commitments:
        before, after = draws.by_bill.get(c.id, {}).get(key, _ZERO), now.get(c.id, _ZERO)
        if before != after:
            stale.append(StaleFrom(c.id, key, released=after < before, window_start=c.start, window_end=c.end))
    draws.record(commitments, key, now)


async def _balance_draws(conn: asyncpg.Connection, organization_id: uuid.UUID, ids: list[uuid.UUID]) -> BalanceDraws:
    """The balances' credits and stored draws, under the accounts' lock (the timezone
    places each bill's credit cut-off at its local midnight)."""
    if not ids:
        return BalanceDraws(parse_timezone("UTC"))
    tz = await conn.fetchval("SELECT timezone FROM organization_configs WHERE organization_id = $1", organization_id)
    return await read_balance_draws(conn, organization_id, ids, parse_timezone(tz or "UTC"))


async def _locked_bills(
    conn: asyncpg.Connection, organization_id: uuid.UUID, account_ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, date, str]]:
    rows = await conn.fetch(
        """SELECT account_id, bill_date, billing_frequency FROM bills
           WHERE organization_id = $1 AND account_id = ANY($2::uuid[]) AND locked""",
        organization_id,
        sorted(set(account_ids)),
    )
    return {(r["account_id"], r["bill_date"], r["billing_frequency"]) for r in rows}


def _composing_order(bill: ComposedBill) -> tuple[str, date, int]:
    """Per account, SEMANTICS §11.2 rule 4's order: bill date, then frequency DAILY < WEEKLY
    < MONTHLY < ANNUALLY < AD_HOC (the order ``BalanceDraws.before`` counts in)."""
    return str(bill.account_id), *bill_order((bill.bill_date, bill.frequency.value))
