"""Credit sources of a bill: commitments and balances in application order (SEMANTICS §11.2).

Concepts
- ``CreditKind``: PREPAYMENT (commitments) or BALANCE. ``creditApplicationOrder`` is a
  tuple of them: both kinds in either order, or one kind alone (only that kind draws).
- ``CreditSources``: what one bill may draw on — its commitments (``amount_spent_before``
  set), its balances (credits and earlier draws set) and the order. A bill job composes a
  bill as a pure function of its sources, and again with fresh ones when the draws are
  settled under the account's lock (``app.services.billing.draws``).
- ``credit_steps``: commitment fees (as before), then ONE drawdown step after every charge
  line: the sources draw by kind in order, commitments by earliest end date (their rules
  unchanged), balances by earliest end date then code, each on what earlier sources left
  of each line. Then overage: a commitment's as before (surcharge or separate usage); a
  balance's OVERAGE_SURCHARGE ``= uncovered × percent / 100`` for the lines it was the last
  exhausted source of (rule 5), counted once since each line has one owner.
- ``drawn_balances``: from a composed bill, each balance's (window, rollover) draw in the
  balance currency; the balance amount is always derived from these stored lines.

Invariants
- Without balances and in the default order the steps are exactly ``commitment_steps``:
  the same lines, the same amounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Context, Decimal, InvalidOperation, localcontext
from enum import Enum

from app.domain.money import round_money

from .balances import BALANCE_TYPES, BalanceSnapshot, draw_balance
from .commitments.drawdown import Share, credit_shares, draw_commitments
from .commitments.fees import fees_step
from .commitments.overage import apply_overage
from .commitments.snapshot import CommitmentSnapshot
from .context import BillContext, Step
from .lines import BillLine, ComposedBill, DraftLine, LineType, line_rank
from .snapshots import AccountSnapshot, EntityId, OrgContext

__all__ = [
    "DEFAULT_ORDER",
    "CreditKind",
    "CreditSources",
    "credit_order",
    "credit_steps",
    "draw_on_bill",
    "drawn_balances",
]

_ZERO = Decimal(0)
_PRODUCT = Context(prec=200, traps=[InvalidOperation])


class CreditKind(str, Enum):
    PREPAYMENT = "PREPAYMENT"
    BALANCE = "BALANCE"


DEFAULT_ORDER = (CreditKind.PREPAYMENT, CreditKind.BALANCE)


def credit_order(kinds: Iterable[str] | None) -> tuple[CreditKind, ...]:
    """A stored order as kinds; None or empty is the default (PREPAYMENT, BALANCE)."""
    order = tuple(dict.fromkeys(CreditKind(k) for k in kinds or ()))
    return order or DEFAULT_ORDER


@dataclass(frozen=True)
class CreditSources:
    commitments: tuple[CommitmentSnapshot, ...] = ()
    balances: tuple[BalanceSnapshot, ...] = ()
    order: tuple[CreditKind, ...] = field(default=DEFAULT_ORDER)

    def __bool__(self) -> bool:
        return bool(self.commitments or self.balances)


def credit_steps(sources: CreditSources, *, fees: bool = True) -> tuple[Step, ...]:
    """The steps to append after every charge step: fees (if ``fees``), then drawdown."""
    if not sources:
        return ()
    drawdown = _drawdown_step(sources)
    return (fees_step(sources.commitments), drawdown) if fees and sources.commitments else (drawdown,)


def _drawdown_step(sources: CreditSources) -> Step:
    commitments = tuple(sorted(sources.commitments, key=lambda c: c.draw_order))
    balances = tuple(sorted(sources.balances, key=lambda b: b.draw_order))
    extra = BALANCE_TYPES if balances else frozenset()

    def credit_drawdown(context: BillContext, lines: list[DraftLine]) -> None:
        shares = credit_shares(context, lines, extra)
        own_balances = [b for b in balances if b.account_id == context.account.id]
        for kind in sources.order:
            if kind is CreditKind.PREPAYMENT:
                draw_commitments(context, lines, shares, commitments)
            else:
                lines.extend(line for b in own_balances if (line := draw_balance(context, b, shares)) is not None)
        apply_overage(context, lines, shares, commitments)
        lines.extend(_surcharges(context, shares, own_balances))

    return credit_drawdown


def _surcharges(context: BillContext, shares: list[Share], balances: Iterable[BalanceSnapshot]) -> list[DraftLine]:
    surcharges = []
    for balance in balances:
        owned = [share for share in shares if share.owner is balance and share.unmet > 0]
        percent = balance.overage_surcharge_percent
        if not owned or not percent:
            continue
        with localcontext(_PRODUCT):
            amount = sum((share.unmet for share in owned), _ZERO) * percent / 100
        surcharges.append(
            DraftLine(
                line_type=LineType.OVERAGE_SURCHARGE,
                amount=amount,
                currency=context.account.currency,
                account_plan_id=None,
                plan_id=None,
                product_id=None,
                service_period_start=min(share.line.service_period_start for share in owned),
                service_period_end=max(share.line.service_period_end for share in owned),
                description=balance.overage_description,
                balance_id=balance.id,
            )
        )
    return surcharges


def drawn_balances(bill: ComposedBill | Iterable[BillLine]) -> dict[EntityId, tuple[Decimal, Decimal]]:
    """{balance id: (window draw, rollover draw)} of this bill, in the balance currency."""
    lines = bill.lines if isinstance(bill, ComposedBill) else bill
    drawn: dict[EntityId, tuple[Decimal, Decimal]] = {}
    for line in lines:
        if line.line_type is LineType.BALANCE_CONSUMED and line.balance_id is not None:
            rollover = line.rollover_consumed or _ZERO
            main, rolled = drawn.get(line.balance_id, (_ZERO, _ZERO))
            drawn[line.balance_id] = (main - line.exact_subtotal - rollover, rolled + rollover)
    return drawn


def spent(sources: CreditSources) -> Mapping[EntityId, object]:
    """What a bill's sources say was drawn before it: equal figures mean an equal draw."""
    seen: dict[EntityId, object] = {c.id: c.amount_spent_before for c in sources.commitments}
    seen.update({b.id: (b.credits, b.drawn_before, b.rollover_drawn_before) for b in sources.balances})
    return seen


def draw_on_bill(account: AccountSnapshot, bill: ComposedBill, sources: CreditSources, org: OrgContext) -> ComposedBill:
    """A bill composed without steps (an AD_HOC bill of fees and charges) with its drawdown
    added: the same drawdown step over its lines, then the lines in bill order again."""
    if not sources:
        return bill
    context = BillContext(org, account, bill.bill_date, bill.frequency, plans=(), usage={}, previous_units={})
    lines = [_draft(line) for line in bill.lines]
    _drawdown_step(sources)(context, lines)
    frozen = tuple(line.freeze() for line in sorted(lines, key=lambda line: line_rank(line.line_type)))
    currency = context.currency(account.currency)
    with localcontext(_PRODUCT):  # rounded figures: the sum is exact
        total = sum((line.converted_subtotal for line in frozen), _ZERO)
    return replace(bill, lines=frozen, total=round_money(total, currency.max_decimal_places, currency.rounding))


def _draft(line: BillLine) -> DraftLine:
    """A stored line as a draft again (figures as they were rounded)."""
    names = {f.name for f in fields(DraftLine)} - {"amount"}
    return DraftLine(amount=line.exact_subtotal, **{n: getattr(line, n) for n in names if hasattr(line, n)})
