"""The range of dates billing computes with: bill dates asked of jobs and previews, and the
bounds of exports.

Concepts
- ``EARLIEST_DATE`` .. ``LATEST_DATE`` (1900-01-01 .. 2999-12-31): a bill date or an
  export's `from`/`to` outside it is refused as input. Billing steps whole periods either
  side of a date (a plan may bill every 365 years) and an export's periods run to the
  next boundary; near the calendar's ends (years 1 and 9999) that arithmetic left the
  calendar, a server error where it should have been the client's mistake.
- ``date_problem(day)`` / ``instant_problem(moment)``: why a date, or an aware instant
  (judged in UTC), is outside the range, or None.
- ``in_calendar(moment)``: the wider rule for instants that are not computed with (query
  filters, measurement timestamps): years 1–9999 in UTC, what Python and the database
  driver can convert (``0001-01-01T00:00:00+14:00`` is year 0 in UTC).

Invariants
- Every date of the range, stepped by any period billing knows in either direction, is
  still a date of the calendar.
- Pure: standard library only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["EARLIEST_DATE", "LATEST_DATE", "date_problem", "in_calendar", "instant_problem"]

EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_AFTER_LATEST = datetime(3000, 1, 1, tzinfo=UTC)
_RANGE = f"must be between {EARLIEST_DATE} and {LATEST_DATE}"


def date_problem(day: date) -> str | None:
    return None if EARLIEST_DATE <= day <= LATEST_DATE else _RANGE


def instant_problem(moment: datetime) -> str | None:
    """For an aware instant: compared as instants, so no offset can take it past a bound
    unseen (nor overflow converting it: 0001-01-01T00:00:00+14:00 is year 0 in UTC)."""
    return None if _EARLIEST <= moment < _AFTER_LATEST else _RANGE + " (in UTC)"


def in_calendar(moment: datetime) -> bool:
    """Whether the instant falls in years 1–9999 in UTC (naive: as it is). Only an offset at
    the calendar's first or last day can take it out, so other instants cost a comparison."""
    if moment.year not in (1, 9999) or moment.tzinfo is None:
        return True
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True
