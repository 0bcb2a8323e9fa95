"""Commitments on bills: fees, drawdown and overage (SEMANTICS §5.3, §7.2 items 4–5).

Concepts
- ``CommitmentSnapshot`` (``snapshot``): a commitment as the service resolved it,
  including ``amount_spent_before`` — the draws of every OTHER bill of the account.
- Fees (``fees``): explicit fee dates, or a billing plan's bill dates inside the
  commitment with interval and offset, first-bill amount and an equal split whose last
  part absorbs the rounding; ``fee_dates_between`` tells the service which AD_HOC bills
  it needs, ``ad_hoc_fee_lines`` composes their lines.
- Drawdown (``drawdown``): eligible lines (type, product, days inside the commitment)
  draw ``min(remaining, eligible total)`` as one negative COMMITMENT_CONSUMED line per
  commitment, commitments by earliest end date.
- Overage (``overage``): what is inside a commitment but beyond it is surcharged
  (OVERAGE_SURCHARGE) or shown as OVERAGE_USAGE (re-rated with overage bands if any).
- Steps (``steps``): ``DEFAULT_STEPS + commitment_steps(commitments)``; after composing,
  ``drawn_amounts(bill)`` gives each commitment's draw for ``amountSpent``.

Invariants
- Pure: no I/O, no clock; Decimal; the same inputs give the same lines.
- Contract: ``amount_spent_before`` EXCLUDES the bill's own earlier draw, so recomposing
  a bill replaces its draw and never draws twice.
"""

from .drawdown import eligible, inside_part
from .fees import (
    CommitmentFee,
    ad_hoc_fee_lines,
    fee_dates_between,
    fee_lines_for,
    fee_schedule,
    fees_step,
)
from .snapshot import ELIGIBLE_TYPES, CommitmentSnapshot, FeeBillingPlan, FeeDate
from .steps import commitment_steps, drawdown_step, drawn_amounts

__all__ = [
    "CommitmentFee",
    "CommitmentSnapshot",
    "ELIGIBLE_TYPES",
    "FeeBillingPlan",
    "FeeDate",
    "ad_hoc_fee_lines",
    "commitment_steps",
    "drawdown_step",
    "drawn_amounts",
    "eligible",
    "fee_dates_between",
    "fee_lines_for",
    "fee_schedule",
    "fees_step",
    "inside_part",
]
