"""Organization timezones and local calendar days (SEMANTICS §7.1).

Concepts
- An organization timezone is written either as an IANA name (``Europe/Berlin``) or as a
  fixed offset from UTC (``UTC``, ``+01:00``, ``-0530``, ``UTC+1:00``, ``GMT-5``).
  ``parse_timezone`` turns that text into a ``tzinfo``; the default is ``UTC``.
- A *local date* is a calendar date as seen on a wall clock in that timezone.
- A *local midnight* is the UTC instant at which a local date begins.

Invariants
- ``parse_timezone`` either returns a usable tzinfo or raises ``ValueError``; no other
  exception escapes, whatever the text.
- Offsets are within ±14:00 with minutes below 60.  ``GMT+5`` and ``UTC+5`` both mean
  five hours *ahead* of UTC (the ISO 8601 sense, not the inverted POSIX ``Etc/GMT+5``).
- For every aware instant ``t`` and date ``d``:
  ``local_date(t, tz) >= d``  if and only if  ``t >= local_midnight(d, tz)``.
  So assigning an instant to a period by comparing it with local-midnight boundaries
  agrees with assigning it by its local calendar date, even around DST changes.
- ``local_midnight`` is non-decreasing in ``d`` and always returns a UTC datetime.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

DEFAULT_TIMEZONE = "UTC"
MAX_OFFSET = timedelta(hours=14)

# Sign is mandatory so that a bare number is never mistaken for an offset.  ``+0530`` (ISO
# basic) needs exactly four digits: ``+530`` would be ambiguous, so it is rejected.  ASCII
# only: int() would happily read other scripts' digits.
_OFFSET = re.compile(
    r"(?:UTC|GMT)?(?P<sign>[+-])"
    r"(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?|(?P<hh>\d{2})(?P<mm>\d{2}))",
    re.IGNORECASE | re.ASCII,
)
_UTC_NAMES = frozenset({"UTC", "GMT"})
# 'localtime' is listed by zoneinfo but is this machine's own zone: a setting must mean
# the same thing on every server.
_MACHINE_DEPENDENT = frozenset({"localtime"})
_TICK = timedelta(microseconds=1)


def parse_timezone(text: str) -> tzinfo:
    """Return the tzinfo written as ``text``: an IANA name or a fixed UTC offset."""
    if not isinstance(text, str) or not text:
        raise ValueError("timezone must be a non-empty string")
    if text != text.strip():
        raise ValueError(f"timezone {text!r} must not start or end with whitespace")
    if text.upper() in _UTC_NAMES:
        return UTC
    match = _OFFSET.fullmatch(text)
    if match:
        return _fixed_offset(text, match)
    return _iana_zone(text)


def _fixed_offset(text: str, match: re.Match[str]) -> tzinfo:
    hours = int(match["h"] if match["h"] is not None else match["hh"])
    minutes = int(match["m"] or match["mm"] or 0)
    if minutes >= 60:
        raise ValueError(f"timezone {text!r}: offset minutes must be below 60")
    offset = timedelta(hours=hours, minutes=minutes)
    if offset > MAX_OFFSET:
        raise ValueError(f"timezone {text!r}: offset must be within ±14:00")
    if not offset:
        return UTC
    return timezone(-offset if match["sign"] == "-" else offset)


def _iana_zone(text: str) -> tzinfo:
    # Only names the tz database lists: this keeps path tricks ('../etc/passwd',
    # '/etc/localtime', NUL bytes), data files ('zone.tab', 'leapseconds') and the
    # leap-second 'right/...' variants away from the loader.
    if text not in _known_zone_names():
        raise ValueError(f"unknown timezone {text!r}")
    try:
        return zoneinfo.ZoneInfo(text)
    # ZoneInfoNotFoundError is a KeyError, a directory is an OSError, a file that is not
    # TZif is a ValueError: all mean "no such zone" should the files change under us.
    except (KeyError, ValueError, OSError, UnicodeError) as error:
        raise ValueError(f"unknown timezone {text!r}") from error


@lru_cache(maxsize=1)
def _known_zone_names() -> frozenset[str]:
    # Scanning the tz database takes ~10 ms, so it is done once per process.
    return frozenset(zoneinfo.available_timezones()) - _MACHINE_DEPENDENT


def local_date(instant: datetime, tz: tzinfo) -> date:
    """The calendar date shown in ``tz`` at the aware ``instant``."""
    require_aware(instant)
    return instant.astimezone(tz).date()


def local_midnight(d: date, tz: tzinfo) -> datetime:
    """The UTC instant at which local date ``d`` begins in ``tz``.

    Usually this is 00:00 local time.  Around clock changes that touch midnight:
    - Midnight skipped by a gap (America/Santiago 2024-09-08 goes 00:00 -> 01:00): the day
      begins at the first valid instant after the gap, i.e. the transition instant.  If a
      whole day is skipped (Pacific/Apia 2011-12-30) it begins, and ends, at that instant.
    - Midnight repeated by a fold: the day begins at the first midnight, unless the clock
      then falls back into the previous date (America/Goose_Bay 1987-10-25 went from
      00:01 back to 23:01); then it begins at the second midnight, after which the date
      never shows the previous day again.  That choice keeps the module invariant
      ``local_date(t) >= d  <=>  t >= local_midnight(d)``.
    """
    wall = datetime(d.year, d.month, d.day)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first == second:
        return first
    if first > second:
        # PEP 495: inside a gap, fold=0 uses the offset before the transition and lands
        # after it, fold=1 lands before it; the transition lies between the two.
        return _first_instant_at_or_after(wall, tz, second, first)
    # A fold: the same wall time occurs twice; did the date go back in between?
    if (second - _TICK).astimezone(tz).replace(tzinfo=None) < wall:
        return second
    return first


def _first_instant_at_or_after(wall: datetime, tz: tzinfo, low: datetime, high: datetime) -> datetime:
    """Smallest whole-second UTC instant in (low, high] whose local wall time >= wall.

    Wall time is monotonic across a gap, so bisection applies; tz transitions fall on whole
    seconds, and the search takes about 17 steps for a one-day window.
    """
    lo, hi = 0, int((high - low).total_seconds())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        instant = low + timedelta(seconds=mid)
        if instant.astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return low + timedelta(seconds=hi)


def require_aware(instant: datetime) -> None:
    """Reject naive datetimes: an instant without an offset has no place on the timeline."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"instant {instant.isoformat()} must be timezone-aware")
