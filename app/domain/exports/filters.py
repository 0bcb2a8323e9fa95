"""The filters of an export (SEMANTICS §15.1), parsed from query parameters and bounded.

One parser serves the download routes (query string) and export jobs (their filters are
kept as the same parameter map, so a job exports what the route would have). A problem
names the parameter; nothing is read before every parameter is known to be good.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.date_range import date_problem, instant_problem
from app.domain.exports.formats import ExportKind
from app.domain.problems import ErrorCode, ProblemCollector

MAX_IDS = 1000
MAX_PARAMETER = 37 * MAX_IDS - 1  # characters: 1000 ids with commas
GRANULARITIES = ("DAY", "MONTH", "BILLING_PERIOD")
STATUSES = ("PENDING", "APPROVED")
_ALLOWED = {
    ExportKind.BILLS: {"from", "to", "accountIds", "status", "locked"},
    ExportKind.MEASUREMENTS: {"from", "to", "accountIds", "meterIds"},
    ExportKind.USAGE: {"from", "to", "accountIds", "aggregationIds", "granularity"},
}
Bound = date | datetime
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT_PATTERN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_HEX = "[0-9a-fA-F]"
ID_PATTERN = re.compile(f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")


@dataclass(frozen=True)
class ExportFilters:
    """`start`/`end` are `from`/`to`: a date (local midnight in the organization's
    timezone; for bills the bill date itself) or an aware instant. None: unbounded."""

    start: Bound | None = None
    end: Bound | None = None
    account_ids: tuple[uuid.UUID, ...] | None = None
    status: str | None = None
    locked: bool | None = None
    meter_ids: tuple[uuid.UUID, ...] | None = None
    aggregation_ids: tuple[uuid.UUID, ...] | None = None
    granularity: str = "BILLING_PERIOD"


def allowed_parameters(kind: ExportKind) -> set[str]:
    return set(_ALLOWED[kind])


def parse_filters(
    kind: ExportKind, params: Mapping[str, str], problems: ProblemCollector | None = None
) -> ExportFilters:
    """The filters of `kind` from `params`; raises InputErrors naming each bad parameter."""
    problems = problems or ProblemCollector(base=())
    for name in sorted(set(params) - _ALLOWED[kind]):
        problems.add(name, ErrorCode.INVALID, f"unknown filter {name!r} for a {kind.value} export")
    for name, value in params.items():
        if len(value) > MAX_PARAMETER:
            problems.add(name, ErrorCode.INVALID, f"must be at most {MAX_PARAMETER} characters")
    if problems.problems:
        problems.raise_if_any()
    start = _bound(params, "from", kind, problems)
    end = _bound(params, "to", kind, problems)
    if start is not None and end is not None and type(start) is type(end) and not end > start:
        problems.add("to", ErrorCode.INVALID, "must be after from")
    if kind is ExportKind.USAGE:
        for bound_name, bound in (("from", start), ("to", end)):
            if bound is None and bound_name not in {p.path[-1] for p in problems.problems}:
                problems.add(bound_name, ErrorCode.REQUIRED, "a usage export needs from and to")
    filters = ExportFilters(
        start=start,
        end=end,
        account_ids=_ids(params, "accountIds", problems),
        status=_choice(params, "status", STATUSES, problems),
        locked=_boolean(params, "locked", problems),
        meter_ids=_ids(params, "meterIds", problems),
        aggregation_ids=_ids(params, "aggregationIds", problems),
        granularity=_choice(params, "granularity", GRANULARITIES, problems) or "BILLING_PERIOD",
    )
    problems.raise_if_any()
    return filters


def _bound(params: Mapping[str, str], name: str, kind: ExportKind, problems: ProblemCollector) -> Bound | None:
    """A date, or (not for bills) an RFC 3339 instant with its offset; nothing looser, so
    that what is accepted is exactly what the OpenAPI document describes. Either within the
    dates billing computes with (`app.domain.date_range`)."""
    text = params.get(name)
    if text is None:
        return None
    bound: Bound | None = None
    try:
        if DATE_PATTERN.fullmatch(text):
            bound = date.fromisoformat(text)
        elif INSTANT_PATTERN.fullmatch(text) and kind is not ExportKind.BILLS:
            bound = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        pass
    if bound is not None:
        problem = instant_problem(bound) if isinstance(bound, datetime) else date_problem(bound)
        if problem is None:
            return bound
        problems.add(name, ErrorCode.INVALID, problem)
        return None
    wanted = "a date YYYY-MM-DD" if kind is ExportKind.BILLS else "a date YYYY-MM-DD or an RFC 3339 instant with offset"
    problems.add(name, ErrorCode.INVALID, f"must be {wanted}")
    return None


def _ids(params: Mapping[str, str], name: str, problems: ProblemCollector) -> tuple[uuid.UUID, ...] | None:
    text = params.get(name)
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) > MAX_IDS:
        problems.add(name, ErrorCode.INVALID, f"must list 1 to {MAX_IDS} ids, comma-separated")
        return None
    for part in parts:
        if not ID_PATTERN.fullmatch(part):
            problems.add(name, ErrorCode.INVALID, f"{part[:40]!r} is not an id")
            return None
    return tuple(dict.fromkeys(uuid.UUID(part) for part in parts))


def _choice(params: Mapping[str, str], name: str, choices: tuple[str, ...], problems: ProblemCollector) -> str | None:
    text = params.get(name)
    if text is None:
        return None
    if text not in choices:
        problems.add(name, ErrorCode.INVALID, f"must be one of {', '.join(choices)}")
        return None
    return text


def _boolean(params: Mapping[str, str], name: str, problems: ProblemCollector) -> bool | None:
    text = params.get(name)
    if text is None:
        return None
    if text not in ("true", "false"):
        problems.add(name, ErrorCode.INVALID, "must be true or false")
        return None
    return text == "true"
