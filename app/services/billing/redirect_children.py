"""Bills that another account's bill completes: the child-account redirect and companions.

`compose_for_accounts` composes what was asked for; when a bill asked for is made (wholly
or in part) with another account's bill, the request is widened first (`widen`), the
wider set composed, then narrowed back to what was asked for (`narrow`):
- Redirect (SEMANTICS §7.3): a required request (recalculation) of a child's bill that no
  account plan of the child makes is a CHILD-mode bill: it is recomputed through its
  parent's bill of that date and frequency, and only the child's bills are kept (the
  parent's, unless asked for too, are not returned, so not stored).
- Companions (one bill per account, bill date and frequency, SEMANTICS §7.1): see below.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.billing import ComposedBill, bills_on
from app.services.billing.planning import AccountBills, AdHoc, BillRequest, Planned

Requests = Mapping[uuid.UUID, Sequence[BillRequest]]


@dataclass(frozen=True)
class Widening:
    """The requests composed instead of those asked for, and how to narrow them back."""

    requests: dict[uuid.UUID, list[BillRequest]]
    redirected: dict[tuple[uuid.UUID, uuid.UUID], list[BillRequest]]  # (child, parent) → requests moved
    asked: frozenset  # (account, bill date, frequency) of the bills asked for, before widening


def widen(planned: Planned, requests: Requests) -> Widening | None:
    """The wider requests that compose the bills asked for; None when they need no other."""
    redirected = _child_mode_requests(planned, requests)
    companions = _companion_requests(planned, requests)
    if not redirected and not companions:
        return None
    widened: dict[uuid.UUID, list[BillRequest]] = {a: list(rs) for a, rs in requests.items()}
    for (child_id, parent_id), moved in redirected.items():
        widened[child_id] = [r for r in widened[child_id] if r not in moved]
        widened.setdefault(parent_id, []).extend(BillRequest(r.bill_date, r.frequency) for r in moved)
    for account_id, extra in companions.items():
        mine = widened.setdefault(account_id, [])
        mine.extend(r for r in extra if r not in mine)
    return Widening(widened, redirected, frozenset(planned.plans))


def narrow(widening: Widening, planned: Planned, requests: Requests, results: dict[uuid.UUID, AccountBills]) -> None:
    """Back to the accounts asked for (`planned` is the widened plan): each redirected
    bill returned to its child, each companion's part to the bill it completes, the
    accounts composed only for them dropped."""
    through_parent = {(c, r.bill_date, r.frequency) for (c, _), moved in widening.redirected.items() for r in moved}
    extracted = _extract_companion_bills(planned, requests, results, through_parent)
    for (child_id, parent_id), moved in widening.redirected.items():
        _return_to_child(results, child_id, parent_id, moved, widening.asked, parent_asked=parent_id in requests)
    for account_id in set(results) - set(requests):
        results.pop(account_id, None)
    for owner, bills in extracted.items():
        results[owner].bills.extend(bills)


def _return_to_child(
    results: dict[uuid.UUID, AccountBills],
    child_id: uuid.UUID,
    parent_id: uuid.UUID,
    moved: Sequence[BillRequest],
    asked: frozenset,
    *,
    parent_asked: bool,
) -> None:
    """The child's CHILD-mode bills made through its parent go back to the child."""
    parent, child = results[parent_id], results[child_id]
    wanted = {(r.bill_date, r.frequency) for r in moved if r.frequency is not None}  # all: see _child_mode_requests
    mine = [b for b in parent.bills if b.account_id == child_id and (b.bill_date, b.frequency) in wanted]
    # Only what was asked for stays with the parent: not the bills the widening added.
    parent.bills = [
        b
        for b in parent.bills
        if not any(b is m for m in mine)
        and ((parent_id, b.bill_date, b.frequency) in asked or b.frequency is AdHoc.AD_HOC)
    ]
    child.bills.extend(mine)
    if not parent_asked:
        child.failures.extend(f"through parent: {f}" for f in parent.failures)
    found = {(b.bill_date, b.frequency) for b in mine}
    child.failures.extend(
        f"{f.value} bill of {d}: no CHILD-mode bill of the parent's account plans"
        for d, f in sorted(wanted - found, key=lambda k: (k[0], k[1].value))
    )


def _child_mode_requests(planned: Planned, requests: Requests) -> dict[tuple[uuid.UUID, uuid.UUID], list[BillRequest]]:
    """(child, parent) → the child's required requests no account plan of its own makes."""
    found: dict[tuple[uuid.UUID, uuid.UUID], list[BillRequest]] = {}
    tz = planned.org.context.timezone
    for account_id, account_requests in requests.items():
        account = planned.catalog.accounts.get(account_id)
        if account is None or account.parent_account_id is None:
            continue
        own = planned.catalog.account_plans.get(account_id, ())
        for r in account_requests:
            if (
                r.required
                and r.plan_bills
                and r.frequency is not None
                and not any(bills_on(ap, r.bill_date, r.frequency, tz) for ap in own)
            ):
                found.setdefault((account_id, account.parent_account_id), []).append(r)
    return found


# A child account can have two parts of one bill: its own account plans' bill and a
# CHILD-mode bill under its parent's account plan of another product (§7.3). Both are
# composed (each needs the other's side: the parent's block, or the child's own plans,
# so whichever of them is asked for, the other is composed too: `_companion_requests`),
# then merged into ONE bill (`merge.merge_bills`). **Decision**: the CHILD-mode part is
# composed without commitment steps (`CHILD_BILL_STEPS`), the own-plan part with them, so
# the commitment drawdown of the merged bill sees only the child's own-plan lines.


def _companion_requests(planned: Planned, requests: Requests) -> dict[uuid.UUID, list[BillRequest]]:
    """The accounts not asked for whose bills complete one asked for: a child's parent
    (the CHILD-mode part of the child's bill), a CHILD-mode child's own plans (the
    other part of the CHILD bill the parent's bill job composes)."""
    found: dict[uuid.UUID, list[BillRequest]] = {}
    for account_id, account_requests in requests.items():
        account = planned.catalog.accounts.get(account_id)
        parent_id = account.parent_account_id if account is not None else None
        if parent_id is None or parent_id in requests:
            continue
        extra = found.setdefault(parent_id, [])
        extra.extend(
            r
            for r in (BillRequest(q.bill_date, q.frequency) for q in account_requests if q.plan_bills)
            if r not in extra
        )
    for (_account_id, bill_date, frequency), account_plans in planned.plans.items():
        for placement in planned.blocks.of(account_plans):
            for member in placement.own_bills:
                if member.account_id in requests:
                    continue
                extra = found.setdefault(member.account_id, [])
                if (r := BillRequest(bill_date, frequency)) not in extra:
                    extra.append(r)
    return {a: rs for a, rs in found.items() if rs}


def _asks_for(bill: ComposedBill, account_requests: Sequence[BillRequest]) -> bool:
    return any(
        r.plan_bills and r.bill_date == bill.bill_date and r.frequency in (None, bill.frequency)
        for r in account_requests
    )


def _extract_companion_bills(
    planned: Planned,
    requests: Requests,
    results: dict[uuid.UUID, AccountBills],
    through_parent: set,
) -> dict[uuid.UUID, list[ComposedBill]]:
    """From the outcomes of the accounts composed only as companions: the bills that are
    part of a bill asked for, per the asked-for account they go with (a child's own
    CHILD-mode part; a companion child's own-plan part goes with its parent's outcome,
    and only where the parent's outcome has that child's CHILD-mode part to merge)."""
    extracted: dict[uuid.UUID, list[ComposedBill]] = {}
    for account_id, outcome in results.items():
        if account_id in requests:
            continue
        account = planned.catalog.accounts.get(account_id)
        parent_id = account.parent_account_id if account is not None else None
        for bill in outcome.bills:
            key = (bill.account_id, bill.bill_date, bill.frequency)
            if (
                bill.account_id != account_id
                and bill.account_id in requests
                and key not in through_parent
                and _asks_for(bill, requests[bill.account_id])
            ):
                extracted.setdefault(bill.account_id, []).append(bill)
            elif (
                bill.account_id == account_id
                and parent_id is not None
                and parent_id in requests
                and any((b.account_id, b.bill_date, b.frequency) == key for b in results[parent_id].bills)
            ):
                extracted.setdefault(parent_id, []).append(bill)
        code = account.code if account is not None else str(account_id)
        if parent_id is not None and parent_id in requests:
            results[parent_id].failures.extend(f"child {code}: {f}" for f in outcome.failures)
        for child_id in requests:
            child = planned.catalog.accounts.get(child_id)
            if child is not None and child.parent_account_id == account_id:
                tag = f" of child {child.code}:"
                results[child_id].failures.extend(
                    f"through parent: {f}"
                    for f in outcome.failures
                    if tag in f and f"through parent: {f}" not in results[child_id].failures
                )
    return extracted
