"""When two pricings collide (SEMANTICS §4.3): pricings of the same owner (plan or plan
template), target and segment may not be active at one instant.

Windows are half-open, `[start, end)`, with `end` None meaning open-ended, so
`[a, b)` and `[b, c)` touch without overlapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from app.domain.aggregate import segment_key  # the one canonical text of a segment
from app.domain.catalog.refs import PricingWindow

__all__ = ["overlapping", "segment_key"]


def overlapping(window: PricingWindow, others: Iterable[PricingWindow]) -> PricingWindow | None:
    """The first of `others` (other than `window` itself) that collides with it."""
    slot = (window.owner_id, window.target_id, window.segment_key)
    for other in others:
        if other.id == window.id or (other.owner_id, other.target_id, other.segment_key) != slot:
            continue
        if _starts_before_end(window.start, other.end) and _starts_before_end(other.start, window.end):
            return other
    return None


def _starts_before_end(start: object, end: object | None) -> bool:
    # `PricingWindow` carries aware datetimes, typed `object` in `refs`.
    return end is None or cast(datetime, start) < cast(datetime, end)
