"""Exports (SEMANTICS §15): streamed downloads and export jobs, read from one snapshot."""

from __future__ import annotations

from app.services.exports.commands import CreateExportJob
from app.services.exports.jobs import (
    RUN_EXPORT_JOB,
    create_export_job,
    expire_export_jobs,
    file_of,
    find_export_job,
    run_export_job,
    status_at,
    sweep_export_jobs,
)
from app.services.exports.stream import ExportRequest, OpenExport, open_export

__all__ = [
    "RUN_EXPORT_JOB",
    "CreateExportJob",
    "ExportRequest",
    "OpenExport",
    "create_export_job",
    "expire_export_jobs",
    "file_of",
    "find_export_job",
    "open_export",
    "run_export_job",
    "status_at",
    "sweep_export_jobs",
]
