"""Parent and child accounts in bill jobs and previews (SEMANTICS §7.3), the service side.

- ``find_blocks``: for every account plan of the accounts billed, the parent's children
  (``Account.parent_account_id``) without an account plan of their own for the plan's
  product (any account plan of that product in the catalog's lookback: **decision**)
  form a block with the parent, placed by the parent account plan's ``child_billing_mode``
  (``app.domain.billing.children.place_children``). A child with its own account plan is
  rated alone, as any account.
- ``fetch_block_usage``: a block's usage is ONE aggregation over all its accounts
  together (MAX, UNIQUE, MEAN do not add up), one query per (aggregation, window)
  group; read from the measurements (not the job's prepared rows), so at chunk time.
- The members' own usage (breakdown weights, CHILD bills) is read as ordinary accounts'
  usage: the children's windows are added to the plan's needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.aggregate import UNMATCHED
from app.domain.billing import AccountPlanSnapshot, AccountSnapshot, UsageWindow
from app.domain.billing.children import BlockMember, BlockPlacement, ChildBillingMode, place_children
from app.models.accounts import Account, AccountPlan
from app.models.catalog import Aggregation
from app.services.billing.window_usage import domain_key, is_segmented
from app.services.measurement_aggregates import aggregate_usage
from app.services.plan_groups.billing import group_products


@dataclass(frozen=True)
class Blocks:
    """Per parent account plan id: its placement; the children's accounts and snapshots."""

    placements: dict[uuid.UUID, BlockPlacement]
    children: dict[uuid.UUID, Account]

    def of(self, account_plans: Iterable[AccountPlanSnapshot]) -> list[BlockPlacement]:
        return [self.placements[ap.id] for ap in account_plans if ap.id in self.placements]


def child_snapshot(account: Account, org_config: Any) -> AccountSnapshot:
    days = account.days_before_bill_due
    return AccountSnapshot(
        id=account.id,
        code=account.code,
        currency=account.currency or org_config.currency,
        days_before_bill_due=org_config.days_before_bill_due if days is None else days,
    )


async def find_blocks(
    organization_id: uuid.UUID,
    accounts: Mapping[uuid.UUID, Account],
    account_plans: Mapping[uuid.UUID, Sequence[AccountPlanSnapshot]],
    groups: Mapping[uuid.UUID, Any] | None = None,
) -> Blocks:
    """`groups`: plan group members by account plan id; a member takes the child billing
    mode of the account plan that attached its group (SEMANTICS §10.2 rule 2)."""
    stored = {m: g.group_account_plan_id for m, g in (groups or {}).items()}
    parents = [a for a in account_plans if a in accounts and accounts[a].parent_account_id is None]
    if not parents:
        return Blocks({}, {})
    children = await Account.filter(organization_id=organization_id, parent_account_id__in=parents).order_by(
        "code", "id"
    )
    if not children:
        return Blocks({}, {})
    query = AccountPlan.filter(organization_id=organization_id, account_id__in=[c.id for c in children])
    rows = await query.values_list("account_id", "product_id", "plan_group_id")
    own = {(a, p) for a, p, _ in rows if p is not None}
    # A child's plan group brings its own plan of each linked product (SEMANTICS §10.2 rule 2).
    own |= await group_products(organization_id, [(a, g) for a, _, g in rows if g is not None])
    plan_ids = [stored.get(ap.id, ap.id) for a in parents for ap in account_plans[a]]
    modes = dict(
        await AccountPlan.filter(organization_id=organization_id, id__in=plan_ids).values_list(
            "id", "child_billing_mode"
        )
    )
    by_parent: dict[uuid.UUID, list[Account]] = {}
    for child in children:
        if child.parent_account_id is not None:  # always: children were read by their parents
            by_parent.setdefault(child.parent_account_id, []).append(child)
    placements: dict[uuid.UUID, BlockPlacement] = {}
    for parent_id in parents:
        kids = by_parent.get(parent_id, [])
        if not kids:
            continue
        parent = BlockMember(parent_id, accounts[parent_id].code)
        for ap in account_plans[parent_id]:
            with_own = {c.id for c in kids if (c.id, ap.plan.product_id) in own}
            mode = ChildBillingMode(modes.get(stored.get(ap.id, ap.id)) or ChildBillingMode.PARENT_BREAKDOWN)
            placement = place_children(
                ap.id, parent, [BlockMember(c.id, c.code) for c in kids], mode, with_own_plan=with_own
            )
            if placement.block.children or placement.own_bills:
                placements[ap.id] = placement
    return Blocks(placements, {c.id: c for c in children})


async def fetch_block_usage(
    organization_id: uuid.UUID,
    aggregations: Mapping[uuid.UUID, Aggregation],
    needs: Mapping[tuple[uuid.UUID, ...], Iterable[UsageWindow]],
) -> dict[tuple[uuid.UUID, ...], dict[UsageWindow, Decimal | None]]:
    """The raw value of each window over each block's accounts together (key: the
    block's account ids); a window without measurements is absent."""
    result: dict[tuple[uuid.UUID, ...], dict[UsageWindow, Decimal | None]] = {}
    for account_ids, windows in needs.items():
        values = result.setdefault(account_ids, {})
        for window in set(windows):
            aggregation = aggregations.get(window.aggregation_id)
            if aggregation is None:
                continue
            whole = window.segment is None and is_segmented(aggregation)
            found = await aggregate_usage(
                organization_id, aggregation, account_ids, window.start, window.end, whole=whole, together=True
            )
            for (_, key), value in found.items():
                if key != UNMATCHED and domain_key(key) == window.segment:
                    values[window] = value
    return result
