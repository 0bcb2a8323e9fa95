"""An export as a sequence of byte pieces (SEMANTICS §15.2 rule 1).

`open_export` does everything that can refuse the export before its first byte (the
organization's settings, the snapshot, the catalog a USAGE export needs, the header) and
returns an `OpenExport`; `pieces()` then writes the rows as the cursor yields them. An
error while writing propagates to the writer, which must abort (the HTTP route drops the
connection without the final chunk; a job marks itself FAILED), never finish quietly.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from app.domain.exports.filters import ExportFilters
from app.domain.exports.formats import CSV, ExportFormat, ExportKind, csv_row, jsonl_row
from app.domain.exports.periods import TooManyPeriods
from app.domain.periods import BillFrequency
from app.domain.timezones import local_midnight, parse_timezone
from app.models.organization import OrganizationConfig
from app.services.errors import ErrorCode, fail
from app.services.exports.bills import BillSource
from app.services.exports.measurements import MeasurementSource
from app.services.exports.periods import PeriodPlan
from app.services.exports.snapshot import Buffer, snapshot
from app.services.exports.usage import UsageSource


@dataclass(frozen=True)
class ExportRequest:
    organization_id: uuid.UUID
    kind: ExportKind
    format: ExportFormat
    filters: ExportFilters
    # Bills the reader may see one by one; None: all of them (SEMANTICS §2.3 item DENYs).
    visible_bill: Callable[[uuid.UUID], bool] | None = None


class OpenExport:
    def __init__(self, stack: contextlib.AsyncExitStack, source: Any, columns: tuple[str, ...], fmt: ExportFormat):
        self._stack, self._source, self._columns, self._format = stack, source, columns, fmt
        self.rows = 0  # data rows written so far (CSV rows after the header, or JSON lines)

    async def pieces(self) -> AsyncIterator[bytes]:
        """The export's bytes. The snapshot is closed here when the rows are done or a
        row fails; when the writer stops reading (a cancelled task: the HTTP client went
        away) nothing is awaited here, because an await in a cancelled task is cancelled in
        turn and would leave the transaction half closed: the writer calls `close()` once
        it is out of its cancelled scope (ExportResponse, run_export_job)."""
        try:
            buffer = Buffer()
            if self._format is CSV:
                buffer.add(csv_row(self._columns), rows=0)
            async for record in self._source.records():
                if self._format is CSV:
                    rows = self._source.csv_rows(record)
                    piece = buffer.add(b"".join(csv_row(row) for row in rows), rows=len(rows))
                else:
                    piece = buffer.add(jsonl_row(record))
                if piece is not None:
                    self.rows = buffer.rows
                    yield piece
            self.rows = buffer.rows
            last = buffer.take()
        except Exception:
            await self.close()
            raise
        await self.close()
        if last is not None:
            yield last

    async def close(self) -> None:
        """Ends the snapshot and gives its connection back; a second call does nothing."""
        await self._stack.aclose()


def _instant(bound: date | datetime | None, tz: tzinfo) -> datetime | None:
    if bound is None or isinstance(bound, datetime):
        return bound
    return local_midnight(bound, tz)


async def open_export(request: ExportRequest) -> OpenExport:
    """Raises InputErrors (nothing written yet) for filters that cannot be answered."""
    config = await OrganizationConfig.get(organization_id=request.organization_id)
    tz = parse_timezone(config.timezone)
    filters = request.filters
    start, end = _instant(filters.start, tz), _instant(filters.end, tz)
    if start is not None and end is not None and not end > start:
        raise fail(("to",), ErrorCode.INVALID, "must be after from")
    stack = contextlib.AsyncExitStack()
    try:
        conn = await stack.enter_async_context(snapshot())
        source = _source(request, conn, start, end, tz, config)
        columns = await source.columns()
    except BaseException:
        await stack.aclose()
        raise
    return OpenExport(stack, source, columns, request.format)


def _source(request: ExportRequest, conn: Any, start: Any, end: Any, tz: tzinfo, config: OrganizationConfig) -> Any:
    filters, org = request.filters, request.organization_id
    if request.kind is ExportKind.BILLS:
        return BillSource(conn, org, filters, request.visible_bill)
    if request.kind is ExportKind.MEASUREMENTS:
        return MeasurementSource(conn, org, start, end, filters.account_ids, filters.meter_ids)
    epochs = {
        BillFrequency.DAILY: config.day_epoch,
        BillFrequency.WEEKLY: config.week_epoch,
        BillFrequency.MONTHLY: config.month_epoch,
        BillFrequency.ANNUALLY: config.year_epoch,
    }
    try:
        periods = PeriodPlan(org, filters.granularity, start, end, tz, epochs)
    except TooManyPeriods as exc:
        raise fail(("granularity",), ErrorCode.INVALID, str(exc)) from None
    return UsageSource(conn, org, start, end, filters.account_ids, filters.aggregation_ids, periods)
