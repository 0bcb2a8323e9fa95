"""What a balance has now and where its credits went (SEMANTICS §11.2 rules 6–7).

Concepts
- Inputs are facts: the credits (applied date, amount), and the window and rollover draws
  of every stored bill (``balances_steps.drawn_balances`` of each), plus "now".
- R, the remainder at the end date, is the credits less every window draw (a bill after
  the end date may still carry window lines billed in arrears, so R moves while such
  bills can change). From the end date on, ``min(R, cap)`` rolls over (all of R without a
  cap, none without a rollover end date) and the rest has expired; from the rollover end
  date on, what the rollover did not give has expired too.
- ``amount``, available now: credits applied by now less the draws before the end date;
  the rollover left between the end and the rollover end; nothing after.
- **Decision**: a credit applied after now is not counted yet (not in
  ``total_credit_amount``, not available), so the invariant holds at every instant.

Invariant (rule 7)
``total_credit_amount = total_debit_amount + expired_balance_amount +
rollover_expired_amount + amount``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["BalanceSummary", "summarize"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class BalanceSummary:
    amount: Decimal
    total_credit_amount: Decimal
    total_debit_amount: Decimal
    initial_credit_amount: Decimal
    expired_balance_amount: Decimal
    balance_consumed: Decimal
    rollover_consumed: Decimal
    rollover_expired_amount: Decimal


def summarize(
    *,
    end: datetime,
    rollover_end: datetime | None,
    rollover_amount: Decimal | None,
    credits: Iterable[tuple[datetime, Decimal]],
    drawn: Decimal,
    rollover_drawn: Decimal,
    now: datetime,
) -> BalanceSummary:
    applied = sorted((when, amount) for when, amount in credits if when <= now)
    total = sum((amount for _, amount in applied), _ZERO)
    remainder = max(total - drawn, _ZERO)
    if now < end:
        amount, expired, rollover_expired = remainder - rollover_drawn, _ZERO, _ZERO
    else:
        rolled = _rolled(remainder, rollover_end, rollover_amount)
        expired = remainder - rolled
        left = max(rolled - rollover_drawn, _ZERO)
        rollover_open = rollover_end is not None and now < rollover_end
        amount, rollover_expired = (left, _ZERO) if rollover_open else (_ZERO, left)
    return BalanceSummary(
        amount=amount,
        total_credit_amount=total,
        total_debit_amount=drawn + rollover_drawn,
        initial_credit_amount=applied[0][1] if applied else _ZERO,
        expired_balance_amount=expired,
        balance_consumed=drawn,
        rollover_consumed=rollover_drawn,
        rollover_expired_amount=rollover_expired,
    )


def _rolled(remainder: Decimal, rollover_end: datetime | None, cap: Decimal | None) -> Decimal:
    if rollover_end is None:
        return _ZERO
    return remainder if cap is None else min(remainder, cap)
