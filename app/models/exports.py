"""Export jobs (SEMANTICS §15.2 rule 3): an export written to a file by a worker, kept for
the organization's `exportRetentionDays`, then deleted (EXPIRED)."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from app.models.base import TenantModel

PENDING, RUNNING, COMPLETE, FAILED, EXPIRED = "PENDING", "RUNNING", "COMPLETE", "FAILED", "EXPIRED"


class ExportJob(TenantModel):
    kind = fields.CharField(max_length=16)  # BILLS MEASUREMENTS USAGE
    format = fields.CharField(max_length=8)  # CSV JSONL
    # The filters as the download route's query parameters ({"from": "2024-10-01", ...}):
    # the worker parses them with the same parser, so a job exports what the route would.
    filters: Any = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default=PENDING)
    row_count = fields.BigIntField(null=True)
    byte_size = fields.BigIntField(null=True)
    sha256 = fields.CharField(max_length=64, null=True)
    # The file, relative to the data directory; null until COMPLETE and after EXPIRED.
    path = fields.CharField(max_length=300, null=True)
    expires_at = fields.DatetimeField(null=True)
    error = fields.TextField(null=True)
    dt_started = fields.DatetimeField(null=True)
    dt_completed = fields.DatetimeField(null=True)

    class Meta:
        table = "export_jobs"
