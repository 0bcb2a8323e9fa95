"""Composing the bills of a set of accounts, nothing stored: shared by bill jobs and preview.

The main path: plan the bills asked for (`planning.plan_bills`: snapshots, account plans
and usage windows), compose them (`compose_planned`: usage, history, commitments, the
pure domain), then merge the parts of one bill (`merge`). When a bill asked for is made
with another account's bill (a child's CHILD-mode bill, a child's two parts), the
requests are widened first and narrowed back afterwards (`redirect_children`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from app.services.billing.compose_planned import compose_planned
from app.services.billing.merge import merge_same_key
from app.services.billing.planning import BillRequest, Computed, Loaded, UsageSource, plan_bills
from app.services.billing.redirect_children import narrow, widen

__all__ = ["BillRequest", "Computed", "compose_for_accounts"]


async def compose_for_accounts(
    organization_id: uuid.UUID,
    requests: Mapping[uuid.UUID, Sequence[BillRequest]],
    *,
    conversions: Sequence[Mapping] | None = None,
    usage_source: UsageSource | None = None,
    loaded: Loaded | None = None,
) -> Computed:
    """The bills asked for, per account, with each account's failures; `usage_source`
    (default: `fetch_usage`, the measurements themselves) reads the usage; `loaded`: an
    organization and catalog already loaded (`plan_bills`)."""
    planned = await plan_bills(organization_id, requests, conversions=conversions, loaded=loaded)
    widening = widen(planned, requests)
    if widening is not None:
        planned = await plan_bills(organization_id, widening.requests, conversions=conversions, loaded=loaded)
    composed = widening.requests if widening is not None else requests
    computed = await compose_planned(organization_id, planned, composed, usage_source)
    if widening is not None:
        narrow(widening, planned, requests, computed.accounts)
    merge_same_key(computed.accounts, set(planned.blocks.placements), computed.redraws)
    return computed
