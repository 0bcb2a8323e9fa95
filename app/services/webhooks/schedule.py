"""When a failed delivery is tried again (SEMANTICS §14.4.3), and what a Retry-After asks.

Ten attempts: the first at once, then after these delays, each ±10 % jitter; after the
tenth failure the delivery is FAILED. The schedule is a value so tests can pass their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_DELAYS_SECONDS: tuple[int, ...] = (5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400)
JITTER = 0.10
# A Retry-After never pushes an attempt further than the longest scheduled delay.
MAX_RETRY_AFTER_SECONDS = 86_400


@dataclass(frozen=True)
class RetrySchedule:
    delays: tuple[float, ...] = RETRY_DELAYS_SECONDS
    jitter: float = JITTER
    # uniform(-1, 1); tests pass a constant to make the schedule exact
    draw: Callable[[], float] = field(default=lambda: random.uniform(-1.0, 1.0))

    @property
    def attempts(self) -> int:
        return len(self.delays) + 1

    def delay_after(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds until the attempt after attempt number `attempt` (1-based), or None
        when that was the last one."""
        if attempt >= self.attempts:
            return None
        delay = self.delays[attempt - 1] * (1 + self.jitter * self.draw())
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return delay


DEFAULT_SCHEDULE = RetrySchedule()


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (delay in seconds or an HTTP date) as seconds from `now`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def later(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)
