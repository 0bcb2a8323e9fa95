"""Parent and child accounts: rating a block and placing its charge (SEMANTICS §7.3).

Concepts
- A *block* (``ChildBlock``) is one parent account plan with the parent and the children
  that have no account plan of their own for its product. Its usage is one aggregation
  over all the block's accounts (``ChildBlock.account_ids``) — aggregated together by the
  service, not summed here, since MAX, UNIQUE or MEAN do not add up — and is rated under
  the parent's plan by ``compose_bill``, so the combined volume reaches its tiers.
- Placement by ``ChildBillingMode`` (``place_children``):
  PARENT_BREAKDOWN — the parent's bill gets one line per account for each block USAGE /
  USAGE_CREDIT line (``breakdown_step``); child lines carry ``child_account_id`` and
  ``child_account_code``. PARENT_SUMMARY — the block line stays one line.
  CHILD **(decision)** — each child gets a bill of its own under the parent's account
  plan, rated on its own usage alone (``CHILD_BILL_STEPS``: usage and credits only, the
  parent's standing charge and minimums stay on the parent's bill), so no bill depends on
  another account's recalculation; such children are not in the parent's block.
- ``split_block`` (``splits``): a charge split in proportion to weights by the
  largest-remainder method at a currency's places. A block line's subtotal and converted
  subtotal are each split by the accounts' units (negative units weigh 0).

Invariants
- ``split_block`` parts sum exactly to the rounded total (see ``splits``).
- Stable order: the weights' mapping order. Remainder ties go to the earlier key; a zero
  total weight gives everything to the first key. Blocks order the parent first, then
  children by (code, id), so a block with no units puts its charge on the parent's line.
- A negative total is split as its absolute value and negated (credits are symmetric).
- The parent always keeps a line; a child without usage and with a zero part has none.
  Split lines carry no band breakdown (the bands priced the block, not an account).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.accounts.account_plans import ChildBillingMode
from app.domain.units import to_units

from .context import BillContext, Step
from .credits import cap_credits
from .currency import convert_currency
from .lines import DraftLine, LineType
from .snapshots import AggregationTarget, CurrencyInfo, EntityId, PricingSnapshot
from .splits import split_block
from .timeline import PricedInterval
from .usage_lines import interval_quantity, rate_usage
from .windows import UsageWindow, interval_windows

__all__ = [
    "ChildBillingMode",
    "BlockMember",
    "ChildBlock",
    "BlockPlacement",
    "MemberShare",
    "CHILD_BILL_STEPS",
    "split_block",
    "place_children",
    "split_block_line",
    "breakdown_step",
    "member_shares",
    "line_pricing",
]

_ZERO = Decimal(0)
_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
_SPLIT_TYPES = (LineType.USAGE, LineType.USAGE_CREDIT)

CHILD_BILL_STEPS: tuple[Step, ...] = (rate_usage, cap_credits)


# --- blocks and placement ------------------------------------------------------------


@dataclass(frozen=True)
class BlockMember:
    account_id: EntityId
    account_code: str


@dataclass(frozen=True)
class ChildBlock:
    """The accounts whose usage one parent account plan rates as one block."""

    account_plan_id: EntityId  # the parent's account plan
    parent: BlockMember
    children: tuple[BlockMember, ...] = ()
    mode: ChildBillingMode = ChildBillingMode.PARENT_BREAKDOWN

    def __post_init__(self) -> None:
        ordered = sorted(self.children, key=lambda m: (m.account_code, str(m.account_id)))
        object.__setattr__(self, "children", tuple(ordered))
        object.__setattr__(self, "mode", ChildBillingMode(self.mode))

    @property
    def members(self) -> tuple[BlockMember, ...]:
        return (self.parent, *self.children)

    @property
    def account_ids(self) -> tuple[EntityId, ...]:
        """The accounts whose measurements the block's usage windows aggregate."""
        return tuple(member.account_id for member in self.members)


@dataclass(frozen=True)
class BlockPlacement:
    block: ChildBlock
    own_bills: tuple[BlockMember, ...]  # CHILD mode: bill these under the parent's plan


def place_children(
    account_plan_id: EntityId,
    parent: BlockMember,
    children: Iterable[BlockMember],
    mode: ChildBillingMode = ChildBillingMode.PARENT_BREAKDOWN,
    *,
    with_own_plan: Collection[EntityId] = (),
) -> BlockPlacement:
    """The block of a parent account plan and the children that need bills of their own.

    ``with_own_plan``: ids of children with their own account plan for the product; they
    are rated on their own plan and belong to neither result.
    """
    mode = ChildBillingMode(mode)
    rated = tuple(child for child in children if child.account_id not in with_own_plan)
    if mode is ChildBillingMode.CHILD:
        return BlockPlacement(ChildBlock(account_plan_id, parent, (), mode), rated)
    block = ChildBlock(account_plan_id, parent, rated, mode)
    return BlockPlacement(block, ())


# --- breakdown lines ------------------------------------------------------------------


@dataclass(frozen=True)
class MemberShare:
    """One account's usage of a block line: its quantity (None: no usage) and units."""

    member: BlockMember
    quantity: Decimal | None
    units: Decimal


def split_block_line(
    line: DraftLine,
    parent: BlockMember,
    shares: Sequence[MemberShare],
    line_currency: CurrencyInfo,
    bill_currency: CurrencyInfo,
) -> list[DraftLine]:
    """One converted block line as one line per account, summing exactly to it."""
    if line.subtotal is None or line.converted_subtotal is None:
        raise ValueError("convert a block line before splitting it")
    weights = {share.member: max(share.units, _ZERO) for share in shares}
    subtotals = split_block(line.subtotal, weights, line_currency.max_decimal_places)
    converted = split_block(line.converted_subtotal, weights, bill_currency.max_decimal_places)
    parts = []
    for share in shares:
        is_parent = share.member == parent
        amount = subtotals[share.member]
        if not is_parent and share.quantity is None and amount == 0:
            continue
        parts.append(_part(line, share, amount, converted[share.member], is_parent))
    return parts


def _part(line: DraftLine, share: MemberShare, amount: Decimal, converted: Decimal, is_parent: bool) -> DraftLine:
    if share.units == 0:
        average = _ZERO
    else:
        with localcontext(_QUOTIENT):
            average = amount / share.units
    return replace(
        line,
        amount=amount,
        subtotal=amount,
        converted_subtotal=converted,
        quantity=_ZERO if share.quantity is None else share.quantity,
        units=share.units,
        average_unit_price=average,
        usage_per_pricing_band=(),
        child_account_id=None if is_parent else share.member.account_id,
        child_account_code=None if is_parent else share.member.account_code,
    )


def breakdown_step(
    blocks: Iterable[ChildBlock],
    member_usage: Mapping[EntityId, Mapping[UsageWindow, Decimal | None]],
) -> Step:
    """Step (after ``DEFAULT_STEPS``): split PARENT_BREAKDOWN block lines per account.

    ``member_usage`` maps each block account id to its own raw usage per window (the
    windows of ``usage_windows`` for the parent's bill); it weighs the split only.
    """
    by_plan = {
        block.account_plan_id: block
        for block in blocks
        if block.mode is ChildBillingMode.PARENT_BREAKDOWN and block.children
    }

    def split_children(context: BillContext, lines: list[DraftLine]) -> None:
        convert_currency(context, lines)
        result: list[DraftLine] = []
        for line in lines:
            block = by_plan.get(line.account_plan_id) if line.account_plan_id is not None else None
            if block is None or line.line_type not in _SPLIT_TYPES:
                result.append(line)
                continue
            shares = member_shares(context, line, block, member_usage)
            own = context.currency(line.currency)
            bill = context.currency(context.account.currency)
            result.extend(split_block_line(line, block.parent, shares, own, bill))
        lines[:] = result

    return split_children


def member_shares(
    context: BillContext,
    line: DraftLine,
    block: ChildBlock,
    member_usage: Mapping[EntityId, Mapping[UsageWindow, Decimal | None]],
) -> list[MemberShare]:
    """Each block account's quantity and units for the priced interval of ``line``."""
    pricing = line_pricing(context, line)
    interval = PricedInterval(pricing, line.service_period_start, line.service_period_end)
    target = pricing.target
    shares = []
    for member in block.members:
        usage = member_usage.get(member.account_id, {})
        quantity = _member_quantity(context, interval, usage)
        units = to_units(quantity, target.quantity_per_unit, target.rounding)
        shares.append(MemberShare(member, quantity, _ZERO if units is None else units))
    return shares


def _member_quantity(
    context: BillContext,
    interval: PricedInterval,
    usage: Mapping[UsageWindow, Decimal | None],
) -> Decimal | None:
    # A default value prices the block, not an account: no usage weighs nothing.
    windows = interval_windows(interval)
    if all(usage.get(window) is None for window in windows):
        return None
    if isinstance(interval.pricing.target, AggregationTarget):
        return usage.get(windows[0])
    return interval_quantity(replace(context, usage=usage), interval)


def line_pricing(context: BillContext, line: DraftLine) -> PricingSnapshot:
    """The pricing that rated a USAGE-like line of this bill."""
    for billed in context.plans:
        if billed.account_plan.id != line.account_plan_id:
            continue
        for pricing in (*billed.plan.plan_pricings, *billed.plan.template_pricings):
            if pricing.id == line.pricing_id:
                return pricing
    raise ValueError(f"no pricing {line.pricing_id} on account plan {line.account_plan_id}")
