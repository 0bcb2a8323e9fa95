"""Export jobs (SEMANTICS §15.2 rule 3): stored PENDING, streamed to a file by a worker
(RUNNING → COMPLETE or FAILED), kept `exportRetentionDays`, then deleted (EXPIRED).

Files live under `<data dir>/exports/<organization>/<job id>.<ext>`. A worker writes a
temporary file and renames it once complete, so a file at its final path is whole; its
size and SHA-256 are computed from the bytes as they are written. The database row, not
the queue, says what is unfinished.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.domain.exports.filters import parse_filters
from app.domain.exports.formats import EXTENSIONS, ExportFormat, ExportKind
from app.domain.problems import ErrorCode, InputErrors, ProblemCollector
from app.models.exports import COMPLETE, EXPIRED, FAILED, PENDING, RUNNING, ExportJob
from app.models.organization import OrganizationConfig
from app.services import events
from app.services.exports.commands import CreateExportJob
from app.services.exports.stream import ExportRequest, open_export
from app.settings import get_settings

log = logging.getLogger(__name__)
RUN_EXPORT_JOB = "run_export_job"


def data_dir() -> Path:
    return get_settings().data_dir


def _choice(enum: Any, value: str, name: str, problems: ProblemCollector) -> Any:
    try:
        return enum(value)
    except ValueError:
        problems.add(name, ErrorCode.INVALID, f"must be one of {', '.join(e.value for e in enum)}")
        return None


async def create_export_job(organization_id: uuid.UUID, command: CreateExportJob, *, actor: str) -> ExportJob:
    """Checks the filters as the download route would, then stores the job PENDING; the
    caller enqueues it after this returns (after commit)."""
    problems = ProblemCollector()
    kind = _choice(ExportKind, command.kind, "kind", problems)
    _choice(ExportFormat, command.format, "format", problems)
    problems.raise_if_any()
    parse_filters(kind, dict(command.filters), problems.under("filters"))
    return await ExportJob.create(
        organization_id=organization_id,
        kind=command.kind,
        format=command.format,
        filters=dict(command.filters),
        created_by=actor,
        last_modified_by=actor,
    )


async def _claim(organization_id: uuid.UUID, job_id: uuid.UUID) -> ExportJob | None:
    """PENDING → RUNNING once, whatever the number of deliveries of the queue job."""
    claimed = await ExportJob.filter(organization_id=organization_id, id=job_id, status=PENDING).update(
        status=RUNNING, dt_started=_now(), dt_last_modified=_now(), version=F("version") + 1
    )
    return await ExportJob.get(organization_id=organization_id, id=job_id) if claimed else None


def _now() -> datetime:
    return datetime.now(UTC)


async def run_export_job(organization_id: uuid.UUID, job_id: uuid.UUID) -> str | None:
    """Write the export to its file; the job ends COMPLETE or FAILED (with its reason)."""
    job = await _claim(organization_id, job_id)
    if job is None:
        return None
    relative = _relative_path(job)
    target = data_dir() / relative
    partial = _partial_file(job)
    try:
        kind = ExportKind(job.kind)
        request = ExportRequest(organization_id, kind, ExportFormat(job.format), parse_filters(kind, job.filters))
        opened = await open_export(request)
        try:
            size, digest = await _write(opened.pieces(), partial)
        finally:
            await opened.close()  # also when writing the file failed mid-way
        os.replace(partial, target)
    except Exception as exc:  # noqa: BLE001 - any failure is the job's outcome, with its reason
        partial.unlink(missing_ok=True)
        reason = "; ".join(p.message for p in exc.problems) if isinstance(exc, InputErrors) else "the export failed"
        if not isinstance(exc, InputErrors):
            log.exception("export job %s failed", job_id)
        await _finish(job, FAILED, error=reason)
        return FAILED
    config = await OrganizationConfig.get(organization_id=organization_id)
    await _finish(
        job,
        COMPLETE,
        row_count=opened.rows,
        byte_size=size,
        sha256=digest,
        path=str(relative),
        expires_at=_now() + timedelta(days=config.export_retention_days),
    )
    return COMPLETE


def _relative_path(job: ExportJob) -> Path:
    return Path("exports") / str(job.organization_id) / f"{job.id}.{EXTENSIONS[ExportFormat(job.format)]}"


def _partial_file(job: ExportJob) -> Path:
    target = data_dir() / _relative_path(job)
    return target.with_name(target.name + ".partial")


async def _write(pieces: Any, partial: Path) -> tuple[int, str]:
    partial.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with partial.open("wb") as out:
        async for piece in pieces:
            out.write(piece)
            digest.update(piece)
            size += len(piece)
    return size, digest.hexdigest()


async def _finish(job: ExportJob, status: str, **values: Any) -> None:
    async with in_transaction() as conn:
        for name, value in {"status": status, "dt_completed": _now(), **values}.items():
            setattr(job, name, value)
        job.version += 1
        await job.save(using_db=conn)
        event = "export.job.completed" if status == COMPLETE else "export.job.failed"
        await events.record_event(conn, job.organization_id, event, "exportjob", job.id, {"new": events.snapshot(job)})


async def expire_export_jobs(now: datetime) -> int:
    """Delete the files of COMPLETE jobs whose retention is over; the jobs become EXPIRED."""
    expired = 0
    for job in await ExportJob.filter(status=COMPLETE, expires_at__lte=now).limit(1000):
        if job.path:
            (data_dir() / job.path).unlink(missing_ok=True)
        expired += await ExportJob.filter(organization_id=job.organization_id, id=job.id, status=COMPLETE).update(
            status=EXPIRED, path=None, version=F("version") + 1, dt_last_modified=now
        )
    return expired


# A job RUNNING this long lost its worker (the queue job's timeout is an hour); one PENDING
# this long was never picked up (Redis lost, or the enqueue after commit failed).
STALE_RUNNING = timedelta(hours=2)
STALE_PENDING = timedelta(minutes=5)


async def sweep_export_jobs(now: datetime, enqueue: Any) -> tuple[int, int]:
    """Jobs the database says are unfinished: enqueue PENDING ones again (the claim makes a
    second delivery harmless) and fail RUNNING ones whose worker is gone. (enqueued, failed)"""
    pending = await ExportJob.filter(status=PENDING, dt_created__lt=now - STALE_PENDING).limit(1000)
    for job in pending:
        await enqueue(RUN_EXPORT_JOB, str(job.id), str(job.organization_id))
    failed = 0
    for job in await ExportJob.filter(status=RUNNING, dt_started__lt=now - STALE_RUNNING).limit(1000):
        if await ExportJob.filter(organization_id=job.organization_id, id=job.id, status=RUNNING).exists():
            await _finish(job, FAILED, error="the worker writing the export stopped; create the job again")
            # The dead worker's half-written file would otherwise stay on disk for good.
            _partial_file(job).unlink(missing_ok=True)
            failed += 1
    return len(pending), failed


async def find_export_job(organization_id: uuid.UUID, job_id: str) -> ExportJob | None:
    """The organization's job with this id (as a client spelled it), or None."""
    try:
        parsed = uuid.UUID(job_id)
    except ValueError:
        return None
    return await ExportJob.get_or_none(organization_id=organization_id, id=parsed)


def status_at(job: ExportJob, now: datetime) -> str:
    """The job's status as clients see it at `now`: a COMPLETE job past its retention is
    EXPIRED at once, before the hourly sweep (`expire_export_jobs`) marks the row."""
    if job.status == COMPLETE and job.expires_at is not None and job.expires_at <= now:
        return EXPIRED
    return job.status


def file_of(job: ExportJob, now: datetime) -> Path | None:
    """The file of a COMPLETE job still within its retention, else None."""
    if status_at(job, now) != COMPLETE or job.path is None:
        return None
    path = data_dir() / job.path
    return path if path.exists() else None
